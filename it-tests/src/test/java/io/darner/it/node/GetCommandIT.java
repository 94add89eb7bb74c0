package io.darner.it.node;

import com.sun.net.httpserver.HttpServer;
import io.darner.it.support.DarnerNodes;
import io.darner.it.support.JavaProcess;
import io.darner.agent.LoopbackPorts;
import io.darner.it.support.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** `darner get` as a process against a local HTTP origin, with no agent running (it fetches straight from the source). */
class GetCommandIT {
    private static final Duration RUN = Duration.ofSeconds(60);

    @RegisterExtension
    final DarnerNodes nodes = new DarnerNodes();

    private HttpServer origin;
    private Path files;
    /** Nothing listens here: `get` finds no agent. */
    private final String noAgent = LoopbackPorts.freeAddress();

    @BeforeEach
    void startOrigin() throws IOException {
        files = Files.createDirectories(nodes.dir().resolve("origin"));
        origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        origin.createContext("/", ex -> {
            Path f = files.resolve(ex.getRequestURI().getPath().substring(1));
            if (!Files.isRegularFile(f)) {
                ex.sendResponseHeaders(404, -1);
            } else {
                byte[] body = Files.readAllBytes(f);
                ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
            ex.close();
        });
        origin.start();
    }

    @AfterEach
    void stopOrigin() {
        origin.stop(0);
    }

    private String url(String name) {
        return "http://127.0.0.1:" + origin.getAddress().getPort() + "/" + name;
    }

    private JavaProcess get(String... args) {
        List<String> all = new ArrayList<>(List.of("get"));
        all.addAll(List.of(args));
        all.addAll(List.of("--agent", noAgent));
        return nodes.darner("get", all);
    }

    @Test
    void fetches_empty_one_byte_and_odd_sized_files_verified() {
        for (long size : new long[] {0, 1, 4097, 1_000_003}) {
            Path source = TestFiles.random(files.resolve("f" + size), size, size);
            Path out = nodes.outDir().resolve("f" + size);
            JavaProcess p = get(url("f" + size), "-o", out.toString(), "--digest", TestFiles.sha256(source));
            assertThat(p.awaitExit(RUN)).as(p.log()).isZero();
            assertThat(out).hasSize(size);
            assertThat(TestFiles.sha256(out)).isEqualTo(TestFiles.sha256(source));
            assertThat(p.log()).contains("from the source");
        }
    }

    @Test
    void a_wrong_digest_exits_4_and_leaves_no_file() {
        TestFiles.random(files.resolve("app.bin"), 10_000, 1);
        Path out = nodes.outDir().resolve("app.bin");
        JavaProcess p = get(url("app.bin"), "-o", out.toString(), "--digest", "sha256:" + "0".repeat(64));
        assertThat(p.awaitExit(RUN)).as(p.log()).isEqualTo(4);
        assertThat(p.log()).contains("digest mismatch");
        assertThat(out).doesNotExist();
        try (var left = Files.list(nodes.outDir())) {
            assertThat(left).as("no temporary file left behind").isEmpty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void a_missing_source_exits_3() {
        JavaProcess p = get(url("missing.bin"), "-o", nodes.outDir().resolve("missing.bin").toString());
        assertThat(p.awaitExit(RUN)).as(p.log()).isEqualTo(3);
        assertThat(p.log()).contains("404");
        assertThat(nodes.outDir().resolve("missing.bin")).doesNotExist();
    }

    @Test
    void an_unwritable_output_exits_5() throws IOException {
        TestFiles.random(files.resolve("app.bin"), 10_000, 2);
        // even root cannot create a file below a regular file
        Path notADirectory = Files.writeString(nodes.outDir().resolve("plain-file"), "x");
        JavaProcess p = get(url("app.bin"), "-o", notADirectory.resolve("app.bin").toString());
        assertThat(p.awaitExit(RUN)).as(p.log()).isEqualTo(5);
        assertThat(Files.readString(notADirectory)).isEqualTo("x");
    }
}
