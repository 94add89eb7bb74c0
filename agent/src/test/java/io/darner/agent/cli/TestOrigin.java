package io.darner.agent.cli;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A real HTTP origin on loopback serving fixed bodies by path; anything else is 404. */
final class TestOrigin implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Set<String> cutOnce = ConcurrentHashMap.newKeySet();

    TestOrigin() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                String path = ex.getRequestURI().getPath();
                byte[] body = files.get(path);
                String range = ex.getRequestHeaders().getFirst("Range");
                if (body == null) {
                    ex.sendResponseHeaders(404, -1);
                } else if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
                    int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
                    ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
                    ex.sendResponseHeaders(206, body.length - from);
                    ex.getResponseBody().write(body, from, body.length - from);
                } else if (cutOnce.remove(path)) {
                    ex.sendResponseHeaders(200, body.length);
                    ex.getResponseBody().write(body, 0, body.length / 2);
                    ex.getResponseBody().flush();
                    // closing short of the announced length drops the connection: the client sees a cut body
                } else {
                    ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
                    ex.getResponseBody().write(body);
                }
            } catch (IOException cut) {
                // the deliberately cut response
            }
        });
        server.start();
    }

    /** Serves {@code size} random bytes at {@code path}; returns them. */
    byte[] serve(String path, int size) {
        byte[] body = new byte[size];
        new Random(size).nextBytes(body);
        files.put(path, body);
        return body;
    }

    /** Like {@link #serve}, but the first full GET breaks off halfway; ranged GETs resume. */
    byte[] serveCutOnce(String path, int size) {
        cutOnce.add(path);
        return serve(path, size);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** A loopback address where nothing listens (so `darner get` finds no agent there). */
    static String closedAddress() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
