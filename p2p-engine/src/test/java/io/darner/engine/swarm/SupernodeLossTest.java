package io.darner.engine.swarm;

import io.darner.engine.api.PeerConfig;
import io.darner.engine.api.TaskHandle;
import io.darner.engine.api.TaskResult;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.peer.PeerNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A node whose only supernode goes away in the middle of a task. */
class SupernodeLossTest {
    private static final int SIZE = 8 * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void the_node_reads_only_its_missing_pieces_from_the_source_and_says_so() throws Exception {
        TaskResult r = loseSupernodeHalfway(Duration.ofMillis(300));

        assertThat(r.success()).as(r.message()).isTrue();
        assertThat(r.fromSource()).isTrue();
        assertThat(r.stats().fromSeedBytes()).as("pieces from the seed before it went").isGreaterThanOrEqualTo(SIZE / 2);
        assertThat(r.stats().receivedBytes() - r.stats().fromSeedBytes()).as("bytes read from the source").isPositive().isLessThan(SIZE / 2 + 1);
        assertThat(TestSwarm.sha256(dir.resolve("app.bin"))).isEqualTo(TestSwarm.sha256(dir.resolve("src/app.bin")));
    }

    @Test
    void without_source_fallback_the_task_fails_naming_the_supernodes_and_leaves_no_target() throws Exception {
        TaskResult r = loseSupernodeHalfway(null);

        assertThat(r.success()).isFalse();
        assertThat(r.message()).contains("no supernode reachable").contains("source fallback is off");
        assertThat(dir.resolve("app.bin")).doesNotExist();
    }

    @Test
    void a_new_request_for_a_task_finishing_from_the_source_joins_that_run() throws Exception {
        try (TestSwarm swarm = new TestSwarm(dir, 0)) {
            Path source = TestSwarm.randomFile(dir.resolve("src/app.bin"), SIZE, 12);
            TaskSpec spec = TaskSpec.of(source.toUri().toString(), null, dir.resolve("app.bin"));
            try (PeerNode node = PeerNode.start(config(swarm, Duration.ofMillis(300)), swarm.transport)) {
                node.registration().get(10, TimeUnit.SECONDS);
                TaskHandle h = node.download(spec);
                CompletableFuture<Long> halfway = new CompletableFuture<>();
                java.util.concurrent.atomic.AtomicLong atLoss = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
                CompletableFuture<Long> fromSource = new CompletableFuture<>();
                h.onProgress(p -> {
                    if (p.verifiedBytes() >= SIZE / 2) halfway.complete(p.verifiedBytes());
                    if (p.verifiedBytes() > atLoss.get()) fromSource.complete(p.verifiedBytes()); // the node has no other peer
                });
                atLoss.set(halfway.get(60, TimeUnit.SECONDS));
                swarm.supernode.close();
                fromSource.get(60, TimeUnit.SECONDS);

                TaskHandle again = node.download(spec); // e.g. a restarted supernode handing the task out again
                assertThat(h.result()).as("still finishing from the source").isNotDone();
                assertThat(again).isSameAs(h);
                TaskResult r = again.result().get(60, TimeUnit.SECONDS);
                assertThat(r.success()).as(r.message()).isTrue();
                assertThat(TestSwarm.sha256(dir.resolve("app.bin"))).isEqualTo(TestSwarm.sha256(source));
            }
        }
    }

    private PeerConfig config(TestSwarm swarm, Duration fallbackAfter) {
        return new PeerConfig("n1", "room-1", dir.resolve("n1"), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                List.of(swarm.supernode.controlAddress()), TestSwarm.SECRET, 0, 4_000_000, 0, null, fallbackAfter);
    }

    /** @param fallbackAfter null: the node may not read the source */
    private TaskResult loseSupernodeHalfway(Duration fallbackAfter) throws Exception {
        try (TestSwarm swarm = new TestSwarm(dir, 0)) {
            Path source = TestSwarm.randomFile(dir.resolve("src/app.bin"), SIZE, 11);
            PeerConfig config = config(swarm, fallbackAfter == null ? Duration.ofMillis(300) : fallbackAfter);
            if (fallbackAfter == null) config = config.withoutSourceFallback();
            try (PeerNode node = PeerNode.start(config, swarm.transport)) {
                node.registration().get(10, TimeUnit.SECONDS);
                TaskHandle h = node.download(TaskSpec.of(source.toUri().toString(), null, dir.resolve("app.bin")));
                CompletableFuture<Long> halfway = new CompletableFuture<>();
                h.onProgress(p -> {
                    if (p.verifiedBytes() >= SIZE / 2) halfway.complete(p.verifiedBytes());
                });
                halfway.get(60, TimeUnit.SECONDS);
                swarm.supernode.close();
                return h.result().get(60, TimeUnit.SECONDS);
            }
        }
    }
}
