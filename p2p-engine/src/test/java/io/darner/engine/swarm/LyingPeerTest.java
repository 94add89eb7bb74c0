package io.darner.engine.swarm;

import io.darner.engine.api.TaskResult;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.peer.PeerNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class LyingPeerTest {
    @TempDir
    Path dir;

    @Test
    void corruptPiecesNeverReachATargetAndTheLiarIsDropped() throws Exception {
        // the seed is slow, so the other nodes fetch most pieces from the liar, which holds them all
        try (TestSwarm swarm = new TestSwarm(dir, 2_000_000)) {
            PeerNode liar = swarm.addNode("liar");
            Path source = TestSwarm.randomFile(dir.resolve("src/app.bin"), 2 * 1024 * 1024, 5);
            String url = source.toUri().toString();
            TaskResult first = liar.download(TaskSpec.of(url, null, null)).result().get(60, TimeUnit.SECONDS);
            assertThat(first.success()).as(first.message()).isTrue();
            // the liar's disk now holds other bytes than it verified: it serves them as if they were right
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve("liar/content/" + first.contentId() + "/data").toFile(), "rw")) {
                byte[] junk = new byte[(int) f.length()];
                new Random(9).nextBytes(junk);
                f.seek(0);
                f.write(junk);
            }

            List<CompletableFuture<TaskResult>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                PeerNode n = swarm.addNode("honest-" + i);
                results.add(n.download(TaskSpec.of(url, null, dir.resolve("out-" + i + ".bin"))).result());
            }
            List<TaskResult> done = TestSwarm.joinAll(results);

            String expected = TestSwarm.sha256(source);
            long corrupt = 0;
            for (int i = 0; i < done.size(); i++) {
                TaskResult r = done.get(i);
                assertThat(r.success()).as(r.message()).isTrue();
                assertThat(TestSwarm.sha256(dir.resolve("out-" + i + ".bin"))).isEqualTo(expected);
                corrupt += r.stats().corruptBytes();
                // a node drops the liar at its first corrupt piece, so it receives at most the requests then in flight
                assertThat(r.stats().corruptBytes()).isLessThanOrEqualTo(16L * 16 * 1024);
            }
            assertThat(corrupt).as("corrupt bytes detected and refused").isPositive();
        }
    }
}
