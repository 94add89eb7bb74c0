package io.darner.engine.swarm;

import io.darner.engine.api.TaskResult;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.peer.PeerNode;
import io.darner.engine.supernode.TaskStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class OverlayTest {
    @TempDir
    Path dir;

    /**
     * Nodes that join a task together (one agent host's batch, one event loop's connections)
     * must not end up as one another's only parents: such a group hears of new pieces from the
     * seed alone. 17 early nodes in a small swarm take all 16 parents among themselves; the 31
     * that join later must each be swapped in for some of them.
     */
    @Test
    void nodesThatJoinedEarlyGetParentsAmongLaterJoiners() throws Exception {
        try (TestSwarm swarm = new TestSwarm(dir, 0)) {
            for (int i = 0; i < 48; i++) swarm.addNode(String.format("node-%02d", i), 4_000_000, TestSwarm.SECRET);
            Path source = TestSwarm.randomFile(dir.resolve("src/app.bin"), 8 << 20, 5);
            TaskSpec spec = TaskSpec.of(source.toUri().toString(), null, null);
            List<PeerNode> early = swarm.nodes.subList(0, 17);
            List<PeerNode> late = swarm.nodes.subList(17, 48);
            Set<String> lateIds = late.stream().map(PeerNode::nodeId).collect(Collectors.toSet());
            List<CompletableFuture<TaskResult>> results = new ArrayList<>();

            for (PeerNode n : early) results.add(n.download(withTarget(spec, n)).result());
            TaskStatus before = awaitTask(swarm, t -> t.members().size() == 17 && t.members().stream().allMatch(m -> m.parents().size() == 16));
            for (PeerNode n : late) results.add(n.download(withTarget(spec, n)).result());
            TaskStatus after = awaitTask(swarm, t -> t.members().size() == 48 && t.members().stream().allMatch(m -> !m.parents().isEmpty()));

            Map<String, Integer> parentsBefore = new HashMap<>();
            for (TaskStatus.Member m : before.members()) parentsBefore.put(m.nodeId(), m.parents().size());
            for (TaskStatus.Member m : after.members()) {
                if (!parentsBefore.containsKey(m.nodeId())) continue;
                assertThat(m.parents()).as("parents of early node %s", m.nodeId()).anyMatch(lateIds::contains);
                assertThat(m.parents()).as("parents of early node %s", m.nodeId()).hasSize(parentsBefore.get(m.nodeId()));
            }
            // the early nodes dropped parents mid-transfer and still end with the right bytes
            String expected = TestSwarm.sha256(source);
            for (TaskResult r : TestSwarm.joinAll(results)) {
                assertThat(r.success()).as(r.message()).isTrue();
                assertThat(TestSwarm.sha256(dir.resolve("out-" + r.nodeId() + ".bin"))).isEqualTo(expected);
            }
        }
    }

    private TaskSpec withTarget(TaskSpec spec, PeerNode n) {
        return new TaskSpec(spec.source(), null, dir.resolve("out-" + n.nodeId() + ".bin"));
    }

    /** Polls the supernode's only task until {@code ready} holds (at most 30 s). */
    private static TaskStatus awaitTask(TestSwarm swarm, Predicate<TaskStatus> ready) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        TaskStatus last = null;
        while (System.nanoTime() < deadline) {
            List<TaskStatus> tasks = swarm.supernode.tasks().get(10, TimeUnit.SECONDS);
            last = tasks.isEmpty() ? null : tasks.get(0);
            if (last != null && ready.test(last)) return last;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        throw new AssertionError("the task did not reach the expected state in 30 s; last seen: " + last);
    }
}
