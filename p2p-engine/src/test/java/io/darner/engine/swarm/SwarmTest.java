package io.darner.engine.swarm;

import io.darner.engine.api.TaskResult;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.manifest.PieceSizing;
import io.darner.engine.peer.PeerNode;
import io.darner.engine.supernode.SwarmTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SwarmTest {
    @TempDir
    Path dir;

    @Test
    void tenPeersOnRealSocketsEndWithIdenticalCorrectBytes() throws Exception {
        // a slow seed makes the peers trade pieces among themselves
        try (TestSwarm swarm = new TestSwarm(dir, 8_000_000)) {
            swarm.addNodes(10);
            Path source = TestSwarm.randomFile(dir.resolve("src/app.bin"), 8 * 1024 * 1024 + 13, 1);
            List<CompletableFuture<TaskResult>> results = new ArrayList<>();
            for (PeerNode n : swarm.nodes) {
                results.add(n.download(TaskSpec.of(source.toUri().toString(), null, dir.resolve("out-" + n.nodeId() + ".bin"))).result());
            }
            List<TaskResult> done = TestSwarm.joinAll(results);

            String expected = TestSwarm.sha256(source);
            for (TaskResult r : done) {
                assertThat(r.success()).as(r.message()).isTrue();
                assertThat(r.contentId()).isEqualTo(expected);
                assertThat(TestSwarm.sha256(dir.resolve("out-" + r.nodeId() + ".bin"))).isEqualTo(expected);
            }
            long peerUpload = swarm.nodes.stream().mapToLong(PeerNode::uploadedBytes).sum();
            assertThat(peerUpload).as("bytes peers uploaded to each other").isGreaterThan(Files.size(source));
            assertThat(swarm.supernode.seedUploadedBytes()).as("origin egress").isLessThan(10 * Files.size(source));
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, PieceSizing.MIN_PIECE - 1, PieceSizing.MIN_PIECE, PieceSizing.MIN_PIECE + 1, 3 * PieceSizing.MIN_PIECE + 7})
    void edgeSizesArriveExactly(int size) throws Exception {
        try (TestSwarm swarm = new TestSwarm(dir, 0)) {
            swarm.addNodes(3);
            Path source = TestSwarm.randomFile(dir.resolve("src/f.bin"), size, size);
            assertThat(PieceSizing.pieceSize(size)).isEqualTo(PieceSizing.MIN_PIECE);
            Map<String, Path> targets = new HashMap<>();
            for (PeerNode n : swarm.nodes) targets.put(n.nodeId(), dir.resolve("out/" + n.nodeId()));
            Files.createDirectories(dir.resolve("out"));
            SwarmTask task = swarm.supernode.submit(TaskSpec.of(source.toUri().toString(), null, null), targets).get(10, TimeUnit.SECONDS);
            Map<String, SwarmTask.NodeOutcome> outcomes = task.outcomes().get(60, TimeUnit.SECONDS);

            String expected = TestSwarm.sha256(source);
            assertThat(outcomes).hasSize(3);
            for (SwarmTask.NodeOutcome o : outcomes.values()) {
                assertThat(o.success()).as(o.message()).isTrue();
                assertThat(o.contentId()).isEqualTo(expected);
                Path out = targets.get(o.nodeId());
                assertThat(Files.size(out)).isEqualTo(size);
                assertThat(TestSwarm.sha256(out)).isEqualTo(expected);
            }
        }
    }
}
