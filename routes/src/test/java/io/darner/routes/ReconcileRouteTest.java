package io.darner.routes;

import io.darner.engine.api.TaskSpec;
import io.darner.processors.Props;
import io.darner.processors.store.AuditStore;
import io.darner.processors.store.ClusterStore.NodeRef;
import io.darner.processors.store.NodeState;
import io.darner.processors.store.TaskState;
import io.darner.processors.store.TaskStore;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Route {@code reconcile} (its timer replaced by {@code direct:reconcile}: each send is one pass):
 * the database is the truth — due tasks and tasks RUNNING but not held by this process go to
 * fan-out, nodes gone from their supernode longer than the node timeout (here 0) fail.
 */
class ReconcileRouteTest extends LifecycleTestSupport {

    @Override
    protected LifecycleHarness.Options options() {
        return LifecycleHarness.Options.defaults().withNodeTimeout(Duration.ZERO);
    }

    private String scheduledTask(Long startAt) {
        String id = UUID.randomUUID().toString();
        h.tasks.insert(new TaskStore.Task(id, TaskState.PENDING, "file:///nowhere/app.bin", null, null, h.target(), null, null, startAt,
                System.currentTimeMillis(), "alice", null, null, null, null, null, null), List.of(new NodeRef("n1", "default")), "created");
        h.tasks.transition(id, EnumSet.of(TaskState.PENDING), TaskState.SCHEDULED, "scheduled");
        return id;
    }

    @Test
    void dueTasksAndTasksNotHeldHereGoToFanOutOthersDoNot() throws Exception {
        advise("reconcile", a -> a.mockEndpointsAndSkip("seda:fan-out"));
        start();
        MockEndpoint fanOut = getMockEndpoint("mock:seda:fan-out");
        long now = System.currentTimeMillis();
        String now1 = scheduledTask(null);
        String cameDue = scheduledTask(now - 1000);
        String later = scheduledTask(now + 3_600_000);
        String orphan = runningTask(null, "n1");
        String held = runningTask(null, "n1");
        h.active.activate(held, Map.of("default", "engine-task"));
        String done = runningTask(null, "n1");
        h.tasks.finishNode(done, "n1", NodeState.VERIFIED, "verified", false);
        h.verify.settle(done);

        fanOut.expectedMessageCount(3);
        template.sendBody("direct:reconcile", null);
        fanOut.assertIsSatisfied();
        assertThat(fanOut.getExchanges()).extracting(e -> e.getMessage().getHeader(Props.TASK_ID, String.class))
                .containsExactlyInAnyOrder(now1, cameDue, orphan)
                .doesNotContain(later, held, done);
    }

    @Test
    void aRunningTaskNotHeldByThisProcessIsHandedOutAgainAndVerifiedNodesAreNotAskedAgain() throws Exception {
        start();
        h.peer("n1");
        h.peer("n2");
        Path src = h.sourceFile("app.bin", 150_000);
        String digest = LifecycleHarness.digest(src);
        // as the server left it when it stopped: n1 verified, n2 still running
        String id = runningTaskOf(LifecycleHarness.url(src), digest, "n1", "n2");
        h.tasks.finishNode(id, "n1", NodeState.VERIFIED, "verified before the restart", false);

        NotifyBuilder finished = whenTasksFinished(1);
        template.sendBody("direct:reconcile", null);
        await(finished, "the task finished");

        assertThat(task(id).state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(h.tasks.events(id)).filteredOn(e -> e.kind().equals("resume")).extracting(TaskStore.TaskEvent::cause)
                .containsExactly("handed out again after a control-plane restart: 1 node(s) in 1 room(s): [default]");
        assertThat(stateEvents(id)).containsExactly("PENDING", "SCHEDULED", "RUNNING", "VERIFYING", "SUCCEEDED");
        assertThat(Files.mismatch(h.targetOf("n2"), src)).isEqualTo(-1L);
        String engineTask = TaskSpec.of(LifecycleHarness.url(src), digest, null).taskId();
        assertThat(h.peers.get("n1").task(engineTask)).as("n1 was not asked again").isEmpty();
        assertThat(Files.exists(h.targetOf("n1"))).isFalse();
        assertThat(nodes(id).get("n1").message()).isEqualTo("verified before the restart");
    }

    @Test
    void aNodeGoneLongerThanTheNodeTimeoutFailsAndTheEndIsAudited() throws Exception {
        start();
        h.peer("n1");
        String id = runningTask(null, "n1", "gone");
        h.active.activate(id, Map.of("default", "engine-task"));
        h.tasks.finishNode(id, "n1", NodeState.VERIFIED, "verified", false);

        template.sendBody("direct:reconcile", null);

        TaskStore.TaskNode gone = nodes(id).get("gone");
        assertThat(gone.state()).isEqualTo(NodeState.FAILED);
        assertThat(gone.message()).isEqualTo("node gone left the supernode of room default and did not come back within 0 s");
        assertThat(task(id).state()).isEqualTo(TaskState.PARTIAL);
        assertThat(h.active.isActive(id)).isFalse();
        assertThat(h.audit.latest(10)).extracting(AuditStore.Entry::action, AuditStore.Entry::target, AuditStore.Entry::detail)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("task:finish", "task/" + id, "state PARTIAL"));
    }

    @Test
    void aNodeStillRegisteredIsLeftRunning() throws Exception {
        start();
        h.peer("n1");
        String id = runningTask(null, "n1");
        h.active.activate(id, Map.of("default", "engine-task"));
        template.sendBody("direct:reconcile", null);
        assertThat(stateOf(nodes(id), "n1")).isEqualTo(NodeState.RUNNING);
        assertThat(task(id).state()).isEqualTo(TaskState.RUNNING);
    }

    @Test
    void aTaskInterruptedWhileSettlingIsSettled() throws Exception {
        start();
        String id = runningTask(null, "n1");
        h.tasks.finishNode(id, "n1", NodeState.VERIFIED, "verified", false);
        h.tasks.transition(id, EnumSet.of(TaskState.RUNNING), TaskState.VERIFYING, "all 1 node(s) reported");
        template.sendBody("direct:reconcile", null);
        assertThat(task(id).state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(h.audit.latest(10)).extracting(AuditStore.Entry::detail).containsExactly("state SUCCEEDED");
    }

    @Test
    void aRunningTaskLeasedByAnotherLiveReplicaIsLeftToItAndTakenOverOnlyWhenTheLeaseRunsOut() throws Exception {
        start();
        h.peer("n1");
        String id = runningTask(null, "n1");
        long now = System.currentTimeMillis();
        assertThat(h.tasks.claim(id, "replica-b", now, now + 60_000)).isTrue();
        assertThat(h.tasks.claim(id, h.active.owner(), now, now + 60_000)).as("a live lease is not taken").isFalse();

        NotifyBuilder looked = new NotifyBuilder(context).fromRoute("fan-out").whenDone(1).create();
        template.sendBody("direct:reconcile", null);
        await(looked, "fan-out looked at the task");
        assertThat(h.tasks.events(id)).noneMatch(e -> e.kind().equals("resume"));
        assertThat(h.active.isActive(id)).isFalse();

        assertThat(h.tasks.claim(id, "replica-b", now, now - 1)).isTrue(); // replica-b stopped renewing: its lease ran out
        // passes until fan-out hands it out (a loaded machine may need more than one for n1 to be seen registered)
        for (int pass = 0; pass < 20 && h.tasks.events(id).stream().noneMatch(e -> e.kind().equals("resume")); pass++) {
            NotifyBuilder taken = new NotifyBuilder(context).fromRoute("fan-out").whenDone(1).create();
            template.sendBody("direct:reconcile", null);
            await(taken, "fan-out looked at the task again");
        }
        assertThat(h.tasks.events(id)).anyMatch(e -> e.kind().equals("resume"));
        assertThat(h.tasks.claim(id, "replica-b", System.currentTimeMillis(), System.currentTimeMillis() + 60_000))
                .as("this replica holds it now").isFalse();
    }

    @Test
    void aTaskHeldHereButStoppedThroughAnotherReplicaIsReleased() throws Exception {
        start();
        h.peer("n1");
        String id = runningTask(null, "n1");
        h.active.activate(id, Map.of("default", "engine-task"));
        h.tasks.transition(id, EnumSet.of(TaskState.RUNNING), TaskState.STOPPED, "stopped by bob");

        template.sendBody("direct:reconcile", null);

        assertThat(h.active.isActive(id)).as("released: its nodes were told to stop").isFalse();
        assertThat(task(id).state()).isEqualTo(TaskState.STOPPED);
    }
}
