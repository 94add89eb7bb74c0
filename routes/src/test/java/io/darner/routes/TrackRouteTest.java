package io.darner.routes;

import io.darner.processors.lifecycle.TrackEvent;
import io.darner.processors.lifecycle.TrackProcessor;
import io.darner.processors.store.NodeState;
import io.darner.processors.store.TaskState;
import io.darner.processors.store.TaskStore;
import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Route {@code track}: what the engine reports per node: progress is written to the node's row, an outcome goes on to verify. */
class TrackRouteTest extends LifecycleTestSupport {

    @Test
    void progressIsWrittenAndOutcomesGoOnToVerify() throws Exception {
        // verify is held so the nodes stay as track left them
        advise("track", a -> a.mockEndpointsAndSkip("direct:verify"));
        start();
        h.peer("n1");
        h.peer("n2");
        Path src = h.sourceFile("app.bin", 2 * 1024 * 1024 + 123);
        MockEndpoint verify = getMockEndpoint("mock:direct:verify");
        verify.expectedMessageCount(2);

        String id = createTask(taskJson(LifecycleHarness.url(src), LifecycleHarness.digest(src), "n1", "n2"));
        verify.assertIsSatisfied();

        for (Exchange e : verify.getExchanges()) {
            TrackEvent outcome = e.getProperty(TrackProcessor.OUTCOME, TrackEvent.class);
            assertThat(outcome.taskId()).isEqualTo(id);
            assertThat(outcome.success()).isTrue();
            assertThat("sha256:" + outcome.contentId()).isEqualTo(LifecycleHarness.digest(src));
        }
        long size = src.toFile().length();
        assertThat(task(id).sizeBytes()).isEqualTo(size);
        for (TaskStore.TaskNode n : nodes(id).values()) {
            assertThat(n.state()).as(n.nodeId()).isEqualTo(NodeState.RUNNING);
            assertThat(n.sizeBytes()).as(n.nodeId()).isEqualTo(size);
            assertThat(n.verifiedBytes()).as("%s: progress written before its outcome", n.nodeId()).isEqualTo(size);
        }
        assertThat(task(id).state()).as("nothing settled while verify is held").isEqualTo(TaskState.RUNNING);
    }

    @Test
    void aVerifiedNodeShowsAllItsBytes() throws Exception {
        start();
        h.peer("n1");
        h.peer("n2");
        h.peer("n3");
        Path src = h.sourceFile("app.bin", 600_000);
        NotifyBuilder finished = whenTasksFinished(1);
        String id = createTask(taskJson(LifecycleHarness.url(src), null, "n1", "n2", "n3"));
        await(finished, "the task finished");
        assertThat(task(id).state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(nodes(id).values()).allSatisfy(n -> {
            assertThat(n.state()).isEqualTo(NodeState.VERIFIED);
            assertThat(n.sizeBytes()).as("%s: size", n.nodeId()).isEqualTo(600_000L);
            assertThat(n.verifiedBytes()).as("%s: its last progress was tracked before its outcome", n.nodeId()).isEqualTo(600_000L);
        });
    }

    @Test
    void aReportTrackCannotReadIsAnsweredAndTheNextOneStillCounts() throws Exception {
        start();
        String id = runningTask(null, "n1");
        NotifyBuilder both = new NotifyBuilder(context).fromRoute("track").whenCompleted(2).and().whenFailed(0).create();
        template.sendBody("seda:track", "not a report");
        template.sendBody("seda:track", new TrackEvent(id, "n1", true, true, "sha256:" + "ab".repeat(32), "exported"));
        await(both, "both reports handled");
        assertThat(stateOf(nodes(id), "n1")).isEqualTo(NodeState.VERIFIED);
        assertThat(task(id).state()).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void progressForAFinishedNodeChangesNothing() throws Exception {
        start();
        String id = runningTask(null, "n1");
        h.tasks.finishNode(id, "n1", NodeState.FAILED, "the node reported a failure", false);
        NotifyBuilder done = new NotifyBuilder(context).fromRoute("track").whenDone(1).create();
        template.sendBody("seda:track", TrackEvent.progress(id, "n1")); // nothing waits in the sink: a no-op
        await(done, "track handled the report");
        assertThat(stateOf(nodes(id), "n1")).isEqualTo(NodeState.FAILED);
        assertThat(nodes(id).get("n1").verifiedBytes()).isZero();
    }
}
