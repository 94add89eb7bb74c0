package io.darner.engine.swarm;

import io.darner.engine.api.TaskSpec;
import io.darner.engine.supernode.SwarmTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A caller that submits, then listens, must not miss outcomes that arrived in between. */
class SwarmTaskOutcomeTest {
    @TempDir
    Path dir;

    @Test
    void outcomesBeforeTheListenerWasAddedAreStillDelivered() throws Exception {
        try (TestSwarm swarm = new TestSwarm(dir, 0)) {
            Path file = TestSwarm.randomFile(dir.resolve("src.bin"), 1000, 1);
            SwarmTask t = swarm.supernode.submit(TaskSpec.of(file.toUri().toString(), null, null), Map.of("nobody", dir.resolve("out")))
                    .get(10, TimeUnit.SECONDS);
            t.outcomes().get(10, TimeUnit.SECONDS); // the unregistered node's outcome is in before anyone listens

            List<SwarmTask.NodeOutcome> seen = new CopyOnWriteArrayList<>();
            t.onOutcome(seen::add);

            assertThat(seen).singleElement().satisfies(o -> {
                assertThat(o.nodeId()).isEqualTo("nobody");
                assertThat(o.success()).isFalse();
                assertThat(o.message()).contains("not registered");
            });
        }
    }

    @Test
    void aSourceThatFailsAtOnceStillGivesEveryTargetItsOutcomeWithTheCause() throws Exception {
        try (TestSwarm swarm = new TestSwarm(dir, 0)) {
            swarm.addNode("node-1");
            Path missing = dir.resolve("not-there.bin");
            SwarmTask t = swarm.supernode.submit(TaskSpec.of(missing.toUri().toString(), null, null), Map.of("node-1", dir.resolve("out.bin")))
                    .get(10, TimeUnit.SECONDS);
            Map<String, SwarmTask.NodeOutcome> outcomes = t.outcomes().get(30, TimeUnit.SECONDS);
            assertThat(outcomes.get("node-1").success()).isFalse();
            assertThat(outcomes.get("node-1").message()).contains("not-there.bin");
            assertThat(dir.resolve("out.bin")).doesNotExist();
        }
    }
}
