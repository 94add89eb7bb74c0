package io.darner.engine.swarm;

import com.sun.net.httpserver.HttpServer;
import io.darner.engine.api.TaskHandle;
import io.darner.engine.api.TaskResult;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.manifest.PieceSizing;
import io.darner.engine.manifest.Sha256;
import io.darner.engine.peer.PeerNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Nodes get the first piece of a file while the origin is still sending the rest. */
class SlowOriginTest {
    static final int SIZE = 4 << 20;

    @TempDir
    Path dir;
    HttpServer http;
    final CountDownLatch restMaySend = new CountDownLatch(1);

    @AfterEach
    void stopOrigin() {
        restMaySend.countDown();
        if (http != null) http.stop(0);
    }

    @Test
    void theFirstPieceIsVerifiedBeforeTheOriginSendsTheSecond() throws Exception {
        byte[] body = new byte[SIZE];
        new Random(7).nextBytes(body);
        int piece = PieceSizing.pieceSize(SIZE);
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/file.bin", ex -> {
            ex.sendResponseHeaders(200, SIZE);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body, 0, piece);
                out.flush();
                restMaySend.await(60, TimeUnit.SECONDS);
                out.write(body, piece, SIZE - piece);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        http.start();
        String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/file.bin";

        try (TestSwarm swarm = new TestSwarm(dir, 0)) {
            PeerNode node = swarm.addNode("a");
            Files.createDirectories(dir.resolve("out"));
            TaskHandle task = node.download(TaskSpec.of(url, "sha256:" + Sha256.hex(Sha256.of(body)), dir.resolve("out/a.bin")));
            CompletableFuture<Long> firstPiece = new CompletableFuture<>();
            task.onProgress(p -> {
                if (p.verifiedBytes() > 0) firstPiece.complete(p.verifiedBytes());
            });
            assertThat(firstPiece.get(30, TimeUnit.SECONDS)).as("bytes verified while the origin holds back all but the first piece")
                    .isEqualTo(piece);

            restMaySend.countDown();
            TaskResult r = task.result().get(60, TimeUnit.SECONDS);
            assertThat(r.success()).as(r.message()).isTrue();
            assertThat(Files.readAllBytes(dir.resolve("out/a.bin"))).isEqualTo(body);
        }
    }
}
