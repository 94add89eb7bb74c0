package io.darner.routes;

import io.darner.processors.store.NodeState;
import io.darner.processors.store.TaskState;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Route {@code fan-out} once the join timeout has passed (here: at once): nodes that did not join fail with that cause, the others run. */
class FanOutJoinTimeoutRouteTest extends LifecycleTestSupport {

    @Override
    protected LifecycleHarness.Options options() {
        return LifecycleHarness.Options.defaults().withJoinTimeout(Duration.ZERO);
    }

    @Test
    void aNodeThatNeverJoinedFailsNamingItsRoomAndTheOthersGetTheFile() throws Exception {
        start();
        h.peer("n1");
        Path src = h.sourceFile("app.bin", 50_000);
        NotifyBuilder finished = whenTasksFinished(1);
        String id = createTask(taskJson(LifecycleHarness.url(src), null, "n1", "ghost"));
        await(finished, "the task finished");
        assertThat(task(id).state()).isEqualTo(TaskState.PARTIAL);
        assertThat(stateOf(nodes(id), "n1")).isEqualTo(NodeState.VERIFIED);
        assertThat(stateOf(nodes(id), "ghost")).isEqualTo(NodeState.FAILED);
        assertThat(nodes(id).get("ghost").message()).startsWith("node ghost did not join the supernode of room default within 0 s")
                .contains("--room default");
        assertThat(task(id).cause()).isEqualTo("1/2 node(s) verified; first failure: ghost: " + nodes(id).get("ghost").message());
        assertThat(Files.mismatch(h.targetOf("n1"), src)).isEqualTo(-1L);
    }

    @Test
    void whenNoNodeJoinedTheTaskFails() throws Exception {
        start();
        NotifyBuilder finished = whenTasksFinished(1);
        String id = createTask(taskJson(LifecycleHarness.url(h.sourceFile("app.bin", 1000)), null, "ghost-1", "ghost-2"));
        await(finished, "the task finished");
        assertThat(task(id).state()).isEqualTo(TaskState.FAILED);
        assertThat(stateEvents(id)).containsExactly("PENDING", "SCHEDULED", "RUNNING", "VERIFYING", "FAILED");
        assertThat(task(id).cause()).startsWith("0/2 node(s) verified; first failure: ghost-1: node ghost-1 did not join");
    }
}
