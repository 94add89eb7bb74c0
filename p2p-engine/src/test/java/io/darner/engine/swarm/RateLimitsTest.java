package io.darner.engine.swarm;

import io.darner.engine.api.RateLimits;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.peer.PeerNode;
import io.darner.engine.supernode.SwarmTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A task's limits travel with its command to every node, which applies them to that task only. */
class RateLimitsTest {
    @TempDir
    Path dir;

    @Test
    void limitsSubmittedWithATaskReachTheNodeAndTheTaskStillCompletes() throws Exception {
        try (TestSwarm swarm = new TestSwarm(dir, 0)) {
            PeerNode node = swarm.addNode("node-1");
            Path file = TestSwarm.randomFile(dir.resolve("src.bin"), 300_000, 7);
            Path out = dir.resolve("out").resolve("copy.bin");
            Files.createDirectories(out.getParent());
            TaskSpec spec = TaskSpec.of(file.toUri().toString(), null, null).withLimits(new RateLimits(50_000_000, "tenant-a", 80_000_000));
            SwarmTask t = swarm.supernode.submit(spec, Map.of("node-1", out)).get(10, TimeUnit.SECONDS);

            Map<String, SwarmTask.NodeOutcome> outcomes = t.outcomes().get(60, TimeUnit.SECONDS);
            assertThat(outcomes.get("node-1").success()).as(outcomes.toString()).isTrue();
            assertThat(node.limits(spec.taskId())).isEqualTo(new RateLimits(50_000_000, "tenant-a", 80_000_000));
            assertThat(TestSwarm.sha256(out)).isEqualTo(TestSwarm.sha256(file));
            assertThat(node.limits("some-other-task")).isEqualTo(RateLimits.NONE);
        }
    }

    @Test
    void anOriginCapPacesTheSeedForTheGroupAndIsNotSentToTheNodes() throws Exception {
        try (TestSwarm swarm = new TestSwarm(dir, 0)) {
            PeerNode node = swarm.addNode("node-1");
            Path a = TestSwarm.randomFile(dir.resolve("a.bin"), 200_000, 1);
            Path b = TestSwarm.randomFile(dir.resolve("b.bin"), 200_000, 2);
            TaskSpec first = TaskSpec.of(a.toUri().toString(), null, null).withLimits(new RateLimits(0, "tenant-a", 0, 30_000_000));
            TaskSpec second = TaskSpec.of(b.toUri().toString(), null, null).withLimits(new RateLimits(0, "tenant-a", 0, 40_000_000));
            SwarmTask t1 = swarm.supernode.submit(first, Map.of("node-1", dir.resolve("a.out"))).get(10, TimeUnit.SECONDS);
            assertThat(swarm.supernode.originRate("tenant-a")).isEqualTo(30_000_000);
            SwarmTask t2 = swarm.supernode.submit(second, Map.of("node-1", dir.resolve("b.out"))).get(10, TimeUnit.SECONDS);

            assertThat(t1.outcomes().get(60, TimeUnit.SECONDS).get("node-1").success()).isTrue();
            assertThat(t2.outcomes().get(60, TimeUnit.SECONDS).get("node-1").success()).isTrue();
            assertThat(swarm.supernode.originRate("tenant-a")).as("one bucket per group; the latest task's rate wins").isEqualTo(40_000_000);
            assertThat(swarm.supernode.originRate("tenant-b")).isZero();
            assertThat(swarm.supernode.seedUploadedBytes(first.taskId())).isEqualTo(200_000);
            assertThat(node.limits(first.taskId())).as("the nodes enforce download caps only, and this task has none").isEqualTo(RateLimits.NONE);
            assertThat(TestSwarm.sha256(dir.resolve("b.out"))).isEqualTo(TestSwarm.sha256(b));
        }
    }

    @Test
    void nonsenseLimitsAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> new RateLimits(0, "", 0, -3)).hasMessageContaining("-3");
        assertThatThrownBy(() -> new RateLimits(0, "", 0, 5)).hasMessageContaining("group");
        assertThatThrownBy(() -> new RateLimits(-1, "", 0)).hasMessageContaining("-1");
        assertThatThrownBy(() -> new RateLimits(0, "", 5)).hasMessageContaining("group");
    }
}
