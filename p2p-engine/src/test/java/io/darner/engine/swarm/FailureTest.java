package io.darner.engine.swarm;

import com.sun.net.httpserver.HttpServer;
import io.darner.engine.api.TaskResult;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.manifest.Sha256;
import io.darner.engine.peer.PeerNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The task fails with the source and the cause named, on every node, and no target file appears. */
class FailureTest {
    @TempDir
    Path dir;
    HttpServer http;
    String base;

    @BeforeEach
    void startOrigin() throws Exception {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/missing", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        http.createContext("/short", ex -> {
            ex.sendResponseHeaders(200, 500_000);
            // closing a body shorter than its Content-Length throws; letting it out makes the
            // server drop the connection, so the client sees the body end early
            OutputStream out = ex.getResponseBody();
            out.write(new byte[100_000]);
            out.close();
        });
        http.createContext("/ok", ex -> {
            byte[] body = "hello, darner".getBytes();
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        base = "http://127.0.0.1:" + http.getAddress().getPort();
    }

    @AfterEach
    void stopOrigin() {
        http.stop(0);
    }

    private TaskResult fetch(String url, String digest) throws Exception {
        try (TestSwarm swarm = new TestSwarm(dir, 0)) {
            PeerNode a = swarm.addNode("a");
            PeerNode b = swarm.addNode("b");
            TaskResult ra = a.download(TaskSpec.of(url, digest, dir.resolve("out/a.bin"))).result().get(60, TimeUnit.SECONDS);
            TaskResult rb = b.download(TaskSpec.of(url, digest, dir.resolve("out/b.bin"))).result().get(60, TimeUnit.SECONDS);
            assertThat(rb.success()).isEqualTo(ra.success());
            assertThat(Files.exists(dir.resolve("out/a.bin"))).as("target a").isEqualTo(ra.success());
            assertThat(Files.exists(dir.resolve("out/b.bin"))).as("target b").isEqualTo(rb.success());
            try (var files = Files.list(dir.resolve("out"))) {
                assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp"))).as("temp files left").isEmpty();
            }
            return ra;
        }
    }

    @Test
    void notFoundNamesSourceAndStatus() throws Exception {
        Files.createDirectories(dir.resolve("out"));
        TaskResult r = fetch(base + "/missing", null);
        assertThat(r.success()).isFalse();
        assertThat(r.message()).contains(base + "/missing").contains("404");
    }

    @Test
    void refusedConnectionNamesSourceAndCause() throws Exception {
        Files.createDirectories(dir.resolve("out"));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/file";
        TaskResult r = fetch(url, null);
        assertThat(r.success()).isFalse();
        assertThat(r.message()).contains(url).containsIgnoringCase("refused");
    }

    @Test
    void shortBodyFailsTheTask() throws Exception {
        Files.createDirectories(dir.resolve("out"));
        TaskResult r = fetch(base + "/short", null);
        assertThat(r.success()).isFalse();
        assertThat(r.message()).contains(base + "/short").contains("500000");
    }

    @Test
    void wrongExpectedDigestNamesBothDigests() throws Exception {
        Files.createDirectories(dir.resolve("out"));
        String actual = Sha256.hex(Sha256.of("hello, darner".getBytes()));
        String wrong = "sha256:" + "0".repeat(64);
        TaskResult r = fetch(base + "/ok", wrong);
        assertThat(r.success()).isFalse();
        assertThat(r.message()).contains(wrong).contains(actual);
    }

    @Test
    void rightExpectedDigestSucceeds() throws Exception {
        Files.createDirectories(dir.resolve("out"));
        String actual = Sha256.hex(Sha256.of("hello, darner".getBytes()));
        TaskResult r = fetch(base + "/ok", "sha256:" + actual);
        assertThat(r.success()).as(r.message()).isTrue();
        assertThat(Files.readString(dir.resolve("out/a.bin"))).isEqualTo("hello, darner");
    }
}
