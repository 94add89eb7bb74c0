package io.darner.agent.daemon;

import com.fasterxml.jackson.core.JacksonException;
import com.sun.net.httpserver.HttpExchange;
import io.darner.engine.api.TaskHandle;
import io.darner.engine.api.TaskResult;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.peer.PeerNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * POST /api/v1/get: starts a download on this node and streams its progress as
 * newline-delimited JSON ({@link ApiEvents.Progress} lines, then one {@link ApiEvents.Result}).
 * A client that goes away does not stop the task.
 */
final class GetEndpoint implements SmallHttpServer.Handler {
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final PeerNode node;
    private final AllowedDirs allowed;
    private final Consumer<TaskResult> onResult;
    /** Task id → target of the requests running now (the engine joins requests of one task into one run). */
    private final Map<String, Path> targets = new ConcurrentHashMap<>();
    /** Exchanges still streaming; a graceful stop waits for them. */
    private final Set<CompletableFuture<Void>> streams = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    GetEndpoint(PeerNode node, AllowedDirs allowed, Consumer<TaskResult> onResult) {
        this.node = node;
        this.allowed = allowed;
        this.onResult = onResult;
    }

    int activeTasks() {
        return targets.size();
    }

    /** Refuses new requests; completes when every stream has sent its result or its client left. */
    CompletableFuture<Void> stop() {
        stopping = true;
        return CompletableFuture.allOf(streams.toArray(CompletableFuture[]::new));
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        if (stopping) {
            SmallHttpServer.json(ex, 503, new ApiEvents.Error("agent is stopping", FailureKind.OTHER));
            return;
        }
        ApiEvents.GetRequest req;
        try (InputStream in = ex.getRequestBody()) {
            req = Json.MAPPER.readValue(in.readNBytes(MAX_BODY_BYTES), ApiEvents.GetRequest.class);
        } catch (JacksonException e) {
            SmallHttpServer.json(ex, 400, new ApiEvents.Error("request body is not {\"url\":..,\"output\":..,\"digest\":..}: "
                    + e.getOriginalMessage(), FailureKind.USAGE));
            return;
        }
        Path target;
        TaskSpec spec;
        try {
            target = allowed.check(req.output());
            spec = TaskSpec.of(req.url(), req.digest(), target);
        } catch (AllowedDirs.Refused e) {
            SmallHttpServer.json(ex, e.status(), new ApiEvents.Error(e.getMessage(), e.kind().label(),
                    e.status() == 403 ? allowed.describe() : null));
            return;
        } catch (IllegalArgumentException e) {
            SmallHttpServer.json(ex, 400, new ApiEvents.Error(e.getMessage(), FailureKind.USAGE));
            return;
        }
        Path running = targets.putIfAbsent(spec.taskId(), target);
        if (running != null && !running.equals(target)) {
            SmallHttpServer.json(ex, 409, new ApiEvents.Error("this content is being fetched to " + running
                    + " right now; fetch it again when that ends", FailureKind.OTHER));
            return;
        }
        CompletableFuture<Void> streamed = new CompletableFuture<>();
        streams.add(streamed);
        try {
            stream(ex, spec, target);
        } finally {
            streams.remove(streamed);
            streamed.complete(null);
        }
    }

    private void stream(HttpExchange ex, TaskSpec spec, Path target) throws IOException {
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        AtomicBoolean open = new AtomicBoolean(true);
        TaskHandle h = node.download(spec);
        h.onProgress(p -> {
            if (open.get()) events.add(ApiEvents.Progress.of(p));
        });
        h.result().whenComplete((r, t) -> {
            targets.remove(spec.taskId(), target);
            if (r != null) onResult.accept(r);
            events.add(r != null ? ApiEvents.Result.of(r) : ApiEvents.Result.failed(spec.taskId(), String.valueOf(t)));
        });
        ex.getResponseHeaders().set("Content-Type", "application/x-ndjson");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            Object e;
            do {
                e = events.take();
                out.write((Json.write(e) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } while (!(e instanceof ApiEvents.Result));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.set(false); // the engine keeps listeners for the run's lifetime: stop queueing into this one
            events.clear();
        }
    }
}
