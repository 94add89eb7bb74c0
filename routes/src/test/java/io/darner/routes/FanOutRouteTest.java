package io.darner.routes;

import io.darner.engine.api.RateLimits;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.peer.PeerNode;
import io.darner.processors.Props;
import io.darner.processors.store.RightsStore;
import io.darner.processors.store.NodeState;
import io.darner.processors.store.TaskState;
import io.darner.processors.store.TaskStore;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Route {@code fan-out}: a due task's nodes, grouped by room, are handed to each room's supernode
 * (SCHEDULED → RUNNING); real supernodes for rooms {@code default} and {@code r2}, real peers.
 */
class FanOutRouteTest extends LifecycleTestSupport {

    @Override
    protected LifecycleHarness.Options options() {
        return LifecycleHarness.Options.defaults().withRooms("default", "r2");
    }

    @Test
    void eachRoomIsHandedToItsSupernodeAndTheTaskRuns() throws Exception {
        start();
        h.peer("n1");
        h.peer("n2");
        h.peer("n3", "r2");
        Path src = h.sourceFile("app.bin", 300_000);
        // hold what the engine reports, to see the task as fan-out leaves it
        context.getRouteController().stopRoute("track");
        NotifyBuilder fannedOut = new NotifyBuilder(context).fromRoute("fan-out").whenDone(1).create();

        String id = createTask("{\"source\":\"" + LifecycleHarness.url(src) + "\",\"target\":\"" + h.target()
                + "\",\"nodes\":[{\"id\":\"n1\"},{\"id\":\"n2\",\"room\":\"default\"},{\"id\":\"n3\",\"room\":\"r2\"}]}");
        await(fannedOut, "fan-out handled the new task");

        TaskStore.Task t = task(id);
        assertThat(t.state()).isEqualTo(TaskState.RUNNING);
        assertThat(t.startedAt()).isNotNull();
        assertThat(stateEvents(id)).containsExactly("PENDING", "SCHEDULED", "RUNNING");
        assertThat(h.tasks.events(id).get(2).cause()).isEqualTo("fan-out to 3 node(s) in 2 room(s): [default, r2]");
        assertThat(nodes(id).values()).extracting(TaskStore.TaskNode::state).containsOnly(NodeState.RUNNING);
        assertThat(h.tasks.events(id)).filteredOn(e -> "n3".equals(e.nodeId()))
                .extracting(TaskStore.TaskEvent::cause).containsExactly("handed to the supernode of room r2");
        assertThat(h.active.engineIds(id)).containsOnlyKeys("default", "r2");

        // let the reports through: every node, in either room, holds the source's bytes
        NotifyBuilder finished = whenTasksFinished(1);
        context.getRouteController().startRoute("track");
        await(finished, "the task finished");
        assertThat(task(id).state()).isEqualTo(TaskState.SUCCEEDED);
        for (String n : List.of("n1", "n2", "n3")) assertThat(Files.mismatch(h.targetOf(n), src)).as(n).isEqualTo(-1L);
    }

    @Test
    void theTasksRateAndItsTenantsBandwidthPolicyReachTheNodesAndTheSeed() throws Exception {
        start();
        h.users.rights().setBandwidth("default", new RightsStore.Bandwidth(20_000_000L, 5_000_000L, 30_000_000L));
        PeerNode n1 = h.peer("n1");
        Path src = h.sourceFile("app.bin", 200_000);
        NotifyBuilder finished = whenTasksFinished(1);
        String id = createTask("{\"source\":\"" + LifecycleHarness.url(src) + "\",\"target\":\"" + h.target()
                + "\",\"rate\":\"50MB/s\",\"nodes\":[{\"id\":\"n1\"}]}");
        await(finished, "the task finished");

        assertThat(task(id).state()).isEqualTo(TaskState.SUCCEEDED);
        String engineTask = TaskSpec.of(LifecycleHarness.url(src), null, null).taskId();
        assertThat(n1.limits(engineTask)).as("the task's 50 MB/s is lowered to the tenant's per-task cap")
                .isEqualTo(new RateLimits(5_000_000, "tenant:default", 20_000_000));
        assertThat(h.supernodes.get("default").originRate("tenant:default")).isEqualTo(30_000_000);
        assertThat(h.tasks.events(id)).filteredOn(e -> e.kind().equals("limits")).extracting(TaskStore.TaskEvent::cause)
                .containsExactly("bandwidth: task 5.0 MB/s per node; tenant 20.0 MB/s per node, shared by its tasks; tenant origin egress 30.0 MB/s on the seed");
        assertThat(Files.mismatch(h.targetOf("n1"), src)).isEqualTo(-1L);
    }

    @Test
    void aNodeThatHasNotJoinedIsWaitedForThenTheTaskRuns() throws Exception {
        start();
        h.peer("n1");
        Path src = h.sourceFile("app.bin", 100_000);
        NotifyBuilder firstLook = new NotifyBuilder(context).fromRoute("fan-out").whenDone(1).create();
        String id = createTask(taskJson(LifecycleHarness.url(src), LifecycleHarness.digest(src), "n1", "late"));
        await(firstLook, "fan-out looked at the task");
        assertThat(task(id).state()).as("waits for node 'late' (join timeout 60 s)").isEqualTo(TaskState.SCHEDULED);
        assertThat(nodes(id).values()).extracting(TaskStore.TaskNode::state).containsOnly(NodeState.PENDING);
        assertThat(h.active.isActive(id)).isFalse();

        h.peer("late");
        NotifyBuilder finished = whenTasksFinished(1);
        template.sendBodyAndHeader("seda:fan-out", null, Props.TASK_ID, id); // as reconcile does
        await(finished, "the task finished");
        assertThat(task(id).state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(Files.mismatch(h.targetOf("late"), src)).isEqualTo(-1L);
    }

    @Test
    void aStoppedOrFinishedOrUnknownTaskIsLeftAlone() throws Exception {
        start();
        h.peer("n1");
        Path src = h.sourceFile("app.bin", 10_000);
        context.getRouteController().stopRoute("fan-out");
        String id = createTask(taskJson(LifecycleHarness.url(src), null, "n1"));
        assertThat(call("POST", "/api/v1/tasks/" + id + "/stop", null).status()).isEqualTo(200);
        NotifyBuilder looked = new NotifyBuilder(context).fromRoute("fan-out").whenDone(2).create();
        context.getRouteController().startRoute("fan-out");
        template.sendBodyAndHeader("seda:fan-out", null, Props.TASK_ID, "no-such-task");
        await(looked, "fan-out looked at both");
        assertThat(task(id).state()).isEqualTo(TaskState.STOPPED);
        assertThat(stateEvents(id)).containsExactly("PENDING", "SCHEDULED", "STOPPED");
        assertThat(h.active.isActive(id)).isFalse();
        assertThat(Files.exists(h.targetOf("n1"))).isFalse();
    }
}
