package io.darner.agent.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The JDK's HTTP server with exact-path routes, for the daemons' admin and control endpoints. */
public final class SmallHttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SmallHttpServer.class);

    /** Handles one exchange; must send a response. */
    @FunctionalInterface
    public interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor;
    /** path → method → handler */
    private final Map<String, Map<String, Handler>> routes = new ConcurrentHashMap<>();

    private SmallHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Binds {@code address} and starts serving; routes may be added later. */
    public static SmallHttpServer start(InetSocketAddress address, String name) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(address, 0);
        } catch (BindException e) {
            throw new IOException("cannot listen on " + address + " (" + name + "): " + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        // a streaming request holds its thread for the whole task: one thread per exchange
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "darner-" + name + "-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        SmallHttpServer s = new SmallHttpServer(server, executor);
        server.setExecutor(executor);
        server.createContext("/", s::dispatch);
        server.start();
        return s;
    }

    public SmallHttpServer route(String method, String path, Handler handler) {
        routes.computeIfAbsent(path, p -> new ConcurrentHashMap<>()).put(method, handler);
        return this;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void dispatch(HttpExchange ex) {
        try {
            Map<String, Handler> byMethod = routes.get(ex.getRequestURI().getPath());
            Handler h = byMethod == null ? null : byMethod.get(ex.getRequestMethod());
            if (byMethod == null) {
                json(ex, 404, new ApiEvents.Error("no such endpoint: " + ex.getRequestURI().getPath(), FailureKind.USAGE));
            } else if (h == null) {
                ex.getResponseHeaders().set("Allow", String.join(", ", byMethod.keySet()));
                json(ex, 405, new ApiEvents.Error(ex.getRequestMethod() + " is not allowed here", FailureKind.USAGE));
            } else {
                h.handle(ex);
            }
        } catch (IOException e) {
            log.debug("HTTP exchange {} {} ended: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
        } catch (RuntimeException e) {
            log.error("HTTP handler for {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
            try {
                json(ex, 500, new ApiEvents.Error("internal error: " + e, FailureKind.OTHER));
            } catch (IOException | RuntimeException ignored) {
                // the response had already started; closing the exchange is all that is left
            }
        } finally {
            ex.close();
        }
    }

    public static void text(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) ex.getResponseBody().write(bytes);
    }

    public static void json(HttpExchange ex, int status, Object body) throws IOException {
        text(ex, status, "application/json", Json.write(body));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
