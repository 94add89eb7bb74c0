package io.darner.engine.swarm;

import io.darner.engine.api.TaskHandle;
import io.darner.engine.api.TaskResult;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.peer.PeerNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ResumeTest {
    @TempDir
    Path dir;

    @Test
    void aRestartedPeerFetchesOnlyWhatItLacked() throws Exception {
        try (TestSwarm swarm = new TestSwarm(dir, 0)) {
            int size = 8 * 1024 * 1024;
            Path source = TestSwarm.randomFile(dir.resolve("src/app.bin"), size, 3);
            TaskSpec spec = TaskSpec.of(source.toUri().toString(), null, dir.resolve("app.bin"));

            PeerNode first = swarm.startNode("n1", 4_000_000, TestSwarm.SECRET);
            first.registration().get(10, TimeUnit.SECONDS);
            TaskHandle h = first.download(spec);
            CompletableFuture<Long> halfway = new CompletableFuture<>();
            h.onProgress(p -> {
                if (p.verifiedBytes() >= size / 2) halfway.complete(p.verifiedBytes());
            });
            halfway.get(60, TimeUnit.SECONDS);
            first.close();
            TaskResult stopped = h.result().get(10, TimeUnit.SECONDS);
            assertThat(stopped.success()).isFalse();
            assertThat(Files.exists(dir.resolve("app.bin"))).as("no target after an interrupted download").isFalse();

            PeerNode again = swarm.addNode("n1", 0, TestSwarm.SECRET);
            TaskResult r = again.download(spec).result().get(60, TimeUnit.SECONDS);

            assertThat(r.success()).as(r.message()).isTrue();
            assertThat(TestSwarm.sha256(dir.resolve("app.bin"))).isEqualTo(TestSwarm.sha256(source));
            assertThat(r.stats().reusedBytes()).as("verified bytes kept from the first run").isGreaterThanOrEqualTo(size / 2);
            assertThat(r.stats().receivedBytes() - r.stats().duplicateBytes())
                    .as("bytes fetched over the network").isEqualTo(size - r.stats().reusedBytes());
        }
    }
}
