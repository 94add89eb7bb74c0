package io.darner.engine.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpSourceTest {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final byte[] content = new byte[100_000];
    private final List<String> rangeHeaders = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private ExecutorService executor;
    private HttpServer server;

    @BeforeEach
    void startServer() throws IOException {
        new Random(42).nextBytes(content);
        executor = Executors.newCachedThreadPool();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/honours", exchange -> serve(exchange, content, true));
        server.createContext("/ignores", exchange -> serve(exchange, content, false));
        server.createContext("/empty", exchange -> serve(exchange, new byte[0], true));
        server.createContext("/chunked", exchange -> {
            exchange.sendResponseHeaders(200, 0); // 0 = chunked, no Content-Length
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(content);
            }
        });
        server.createContext("/short", exchange -> {
            exchange.sendResponseHeaders(200, 5000);
            OutputStream out = exchange.getResponseBody();
            out.write(content, 0, 1000);
            out.flush();
            // closing owes 4000 bytes, so it throws "insufficient bytes written to stream"; the server
            // drops the connection only when the handler lets that exception out
            out.close();
        });
        server.createContext("/partial-range", exchange -> {
            // a server that answers an open-ended Range with only 1000 bytes of it
            long start = rangeStart(exchange);
            exchange.getResponseHeaders().set("Content-Range",
                    "bytes " + start + "-" + (start + 999) + "/" + content.length);
            exchange.sendResponseHeaders(206, 1000);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(content, (int) start, 1000);
            }
        });
        server.createContext("/wrong-range", exchange -> {
            exchange.getResponseHeaders().set("Content-Range", "bytes 0-99999/100000");
            exchange.sendResponseHeaders(206, content.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(content);
            }
        });
        server.createContext("/error", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.createContext("/redirect", exchange -> {
            exchange.getResponseHeaders().set("Location", "/honours");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/stall", exchange -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    @Test
    void readsTheWholeBody() throws Exception {
        try (Source.Opened opened = source("/honours").open(0)) {
            assertThat(opened.totalSize()).isEqualTo(content.length);
            assertThat(opened.body().readAllBytes()).isEqualTo(content);
        }
        assertThat(rangeHeaders).containsExactly("none");
    }

    @Test
    void resumesWithRangeWhenTheServerHonoursIt() throws Exception {
        try (Source.Opened opened = source("/honours").open(12_345)) {
            assertThat(opened.totalSize()).isEqualTo(content.length);
            assertThat(opened.body().readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 12_345, content.length));
        }
        assertThat(rangeHeaders).containsExactly("bytes=12345-");
    }

    @Test
    void resumesBySkippingWhenTheServerIgnoresRange() throws Exception {
        try (Source.Opened opened = source("/ignores").open(12_345)) {
            assertThat(opened.totalSize()).isEqualTo(content.length);
            assertThat(opened.body().readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 12_345, content.length));
        }
        assertThat(rangeHeaders).containsExactly("bytes=12345-");
    }

    @Test
    void resumesAtTheLastByte() throws Exception {
        try (Source.Opened opened = source("/honours").open(content.length - 1)) {
            assertThat(opened.body().readAllBytes()).containsExactly(content[content.length - 1]);
        }
    }

    @Test
    void zeroByteContent() throws Exception {
        try (Source.Opened opened = source("/empty").open(0)) {
            assertThat(opened.totalSize()).isZero();
            assertThat(opened.body().read()).isEqualTo(-1);
        }
    }

    @Test
    void unknownLengthIsMinusOne() throws Exception {
        try (Source.Opened opened = source("/chunked").open(0)) {
            assertThat(opened.totalSize()).isEqualTo(-1);
            assertThat(opened.body().readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void followsRedirects() throws Exception {
        try (Source.Opened opened = source("/redirect").open(0)) {
            assertThat(opened.body().readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void shortBodyEndsInAnIOException() throws Exception {
        URI uri = uri("/short");
        try (Source.Opened opened = new HttpSource(uri).open(0)) {
            assertThat(opened.totalSize()).isEqualTo(5000);
            byte[] received = new byte[5000];
            int[] count = {0};
            assertThatThrownBy(() -> {
                for (int n; (n = opened.body().read(received, count[0], 5000 - count[0])) > 0; ) {
                    count[0] += n;
                }
            })
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("source " + uri)
                    .hasMessageContaining("ended after 1000 of 5000 bytes");
            assertThat(Arrays.copyOf(received, count[0])).isEqualTo(Arrays.copyOf(content, 1000));
        }
    }

    @Test
    void rangeServedOnlyInPartIsAShortReadToResumeFrom() throws Exception {
        try (Source.Opened opened = source("/partial-range").open(500)) {
            assertThat(opened.totalSize()).isEqualTo(content.length);
            assertThatThrownBy(() -> opened.body().readAllBytes())
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("ended after 1500 of 100000 bytes");
        }
    }

    @Test
    void rangeStartingElsewhereIsRejected() {
        assertThatThrownBy(() -> source("/wrong-range").open(500))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("bytes 0-99999/100000");
    }

    @Test
    void notFound() {
        URI uri = uri("/missing");
        assertThatThrownBy(() -> new HttpSource(uri).open(0))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(uri.toString())
                .hasMessageContaining("HTTP 404 Not Found")
                .satisfies(e -> assertThat(((SourceException) e).source()).isEqualTo(uri));
    }

    @Test
    void otherErrorStatus() {
        assertThatThrownBy(() -> source("/error").open(0))
                .isInstanceOf(SourceException.class)
                .hasMessageEndingWith(": HTTP 503");
    }

    @Test
    void connectionRefused() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        URI uri = URI.create("http://127.0.0.1:" + port + "/x");
        assertThatThrownBy(() -> new HttpSource(uri).open(0))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(uri.toString())
                .hasMessageContaining("refused");
    }

    @Test
    void unknownHost() {
        assertThatThrownBy(() -> new HttpSource(URI.create("http://no-such-host.invalid/x")).open(0))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("unknown host no-such-host.invalid");
    }

    @Test
    void responseTimeout() {
        assertThatThrownBy(() -> new HttpSource(uri("/stall"), Duration.ofMillis(200)).open(0))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("timed out");
    }

    @Test
    void closingBeforeTheEndReleasesTheConnection() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (Source.Opened opened = source("/honours").open(0)) {
                assertThat(opened.body().read()).isEqualTo(content[0] & 0xff);
            }
        }
        try (Source.Opened opened = source("/honours").open(0)) {
            assertThat(opened.body().readAllBytes()).isEqualTo(content);
        }
    }

    private Source source(String path) {
        return new HttpSource(uri(path));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private void serve(HttpExchange exchange, byte[] body, boolean honourRange) throws IOException {
        try (exchange) {
            long start = rangeStart(exchange);
            if (honourRange && start > 0) {
                exchange.getResponseHeaders().set("Content-Range",
                        "bytes " + start + "-" + (body.length - 1) + "/" + body.length);
                exchange.sendResponseHeaders(206, body.length - start);
            } else {
                start = 0;
                exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length); // -1 = no body
            }
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body, (int) start, body.length - (int) start);
            }
        }
    }

    private long rangeStart(HttpExchange exchange) {
        String range = exchange.getRequestHeaders().getFirst("Range");
        rangeHeaders.add(range == null ? "none" : range);
        if (range == null) {
            return 0;
        }
        Matcher matcher = RANGE.matcher(range);
        return matcher.matches() ? Long.parseLong(matcher.group(1)) : 0;
    }
}
