package io.darner.engine.swarm;

import io.darner.engine.api.PeerConfig;
import io.darner.engine.api.TaskResult;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.net.Transport;
import io.darner.engine.peer.PeerNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SourceFallbackTest {
    @TempDir
    Path dir;

    private PeerConfig lonelyNode(Duration fallbackAfter) throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort(); // nothing listens here once closed: no supernode is reachable
        }
        return new PeerConfig("lonely", "room-1", dir.resolve("node"), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), deadPort)), TestSwarm.SECRET, 0, 0, 0, null, fallbackAfter);
    }

    @Test
    void withNoSupernodeATaskGoesStraightToTheSourceAndSaysSo() throws Exception {
        Path source = TestSwarm.randomFile(dir.resolve("src/app.bin"), 300_000, 8);
        try (Transport transport = Transport.create(1); PeerNode node = PeerNode.start(lonelyNode(Duration.ofMillis(200)), transport)) {
            TaskResult r = node.download(TaskSpec.of(source.toUri().toString(), null, dir.resolve("app.bin"))).result().get(30, TimeUnit.SECONDS);
            assertThat(r.success()).as(r.message()).isTrue();
            assertThat(r.fromSource()).isTrue();
            assertThat(r.message()).contains("straight from the source");
            assertThat(Files.readAllBytes(dir.resolve("app.bin"))).isEqualTo(Files.readAllBytes(source));
        }
    }

    @Test
    void withoutFallbackTheTaskFailsNamingTheSupernodes() throws Exception {
        Path source = TestSwarm.randomFile(dir.resolve("src/app.bin"), 1000, 9);
        PeerConfig config = lonelyNode(Duration.ofMillis(200)).withoutSourceFallback();
        try (Transport transport = Transport.create(1); PeerNode node = PeerNode.start(config, transport)) {
            TaskResult r = node.download(TaskSpec.of(source.toUri().toString(), null, dir.resolve("app.bin"))).result().get(30, TimeUnit.SECONDS);
            assertThat(r.success()).isFalse();
            assertThat(r.message()).contains("no supernode reachable").contains("source fallback is off");
            assertThat(dir.resolve("app.bin")).doesNotExist();
        }
    }
}
