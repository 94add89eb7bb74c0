package io.darner.agent.daemon;

import com.fasterxml.jackson.core.JacksonException;
import com.sun.net.httpserver.HttpExchange;
import io.darner.engine.api.RateLimits;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.supernode.Supernode;
import io.darner.engine.supernode.SwarmTask;
import io.darner.engine.supernode.TaskStatus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The supernode's task API. POST /api/tasks with {@code {"source":URL, "digest":"sha256:HEX"
 * (optional), "targets":{"NODE-ID":"/abs/path" or null (keep in the piece store)}}} pushes the task
 * to those registered nodes and answers 202 {@code {"taskId":..,"targets":[..]}}; each node checks
 * its target against its own --allow-dir; optional {@code taskRate}, {@code rateGroup},
 * {@code groupRate} are the task's download limits on the nodes, {@code originRate} the cap the
 * group's tasks share on this supernode's seed. GET /api/tasks lists {@link TaskStatus}
 * snapshots; POST /api/tasks/cancel {@code {"taskId", "reason"}} stops a task on its nodes.
 */
final class TaskEndpoint implements SmallHttpServer.Handler {
    private static final int MAX_BODY_BYTES = 1024 * 1024;

    /** The request body of POST /api/tasks; the rates (bytes per second, optional) are the task's {@link RateLimits}. */
    record SubmitRequest(String source, String digest, Map<String, String> targets, Long taskRate, String rateGroup, Long groupRate, Long originRate) {}

    /** The request body of POST /api/tasks/cancel. */
    record CancelRequest(String taskId, String reason) {}

    record Submitted(String taskId, List<String> targets) {}

    private final Supernode supernode;
    private final Supplier<List<String>> registeredNodes;

    TaskEndpoint(Supernode supernode, Supplier<List<String>> registeredNodes) {
        this.supernode = supernode;
        this.registeredNodes = registeredNodes;
    }

    List<TaskStatus> list() {
        return SupernodeDaemon.ask(supernode.tasks(), "its tasks");
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        SubmitRequest req;
        try (InputStream in = ex.getRequestBody()) {
            req = Json.MAPPER.readValue(in.readNBytes(MAX_BODY_BYTES), SubmitRequest.class);
        } catch (JacksonException e) {
            usage(ex, "request body is not {\"source\":..,\"digest\":..,\"targets\":{NODE:PATH}}: " + e.getOriginalMessage());
            return;
        }
        if (req.targets() == null || req.targets().isEmpty()) {
            usage(ex, "targets is empty: name at least one registered node, e.g. {\"node-1\":\"/srv/app.tar\"}");
            return;
        }
        TaskSpec spec;
        Map<String, Path> targets = new LinkedHashMap<>();
        try {
            spec = TaskSpec.of(req.source(), req.digest(), null).withLimits(new RateLimits(
                    req.taskRate() == null ? 0 : req.taskRate(), req.rateGroup(), req.groupRate() == null ? 0 : req.groupRate(),
                    req.originRate() == null ? 0 : req.originRate()));
            for (Map.Entry<String, String> t : req.targets().entrySet()) {
                targets.put(t.getKey(), t.getValue() == null ? null : absolute(t.getKey(), t.getValue()));
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            usage(ex, e.getMessage() == null ? "source is missing" : e.getMessage());
            return;
        }
        List<String> registered = registeredNodes.get();
        List<String> unknown = new ArrayList<>(targets.keySet());
        unknown.removeAll(registered);
        if (!unknown.isEmpty()) {
            SmallHttpServer.json(ex, 409, new ApiEvents.Error("not registered with supernode " + supernode.id() + ": "
                    + String.join(", ", unknown) + " (registered: " + String.join(", ", registered) + ")", FailureKind.USAGE));
            return;
        }
        SwarmTask task = SupernodeDaemon.ask(supernode.submit(spec, new HashMap<>(targets)), "the new task");
        SmallHttpServer.json(ex, 202, new Submitted(task.taskId(), List.copyOf(targets.keySet())));
    }

    /** POST /api/tasks/cancel: tells the task's nodes to stop it. */
    void cancel(HttpExchange ex) throws IOException {
        CancelRequest req;
        try (InputStream in = ex.getRequestBody()) {
            req = Json.MAPPER.readValue(in.readNBytes(MAX_BODY_BYTES), CancelRequest.class);
        } catch (JacksonException e) {
            usage(ex, "request body is not {\"taskId\":..,\"reason\":..}: " + e.getOriginalMessage());
            return;
        }
        if (req.taskId() == null || req.taskId().isBlank()) {
            usage(ex, "taskId is missing: give the id POST /api/tasks answered");
            return;
        }
        supernode.cancel(req.taskId(), req.reason() == null || req.reason().isBlank() ? "cancelled through the admin API" : req.reason());
        SmallHttpServer.json(ex, 202, Map.of("taskId", req.taskId()));
    }

    private static Path absolute(String node, String path) {
        Path p = Path.of(path);
        if (!p.isAbsolute()) throw new IllegalArgumentException("target of " + node + " must be an absolute path: " + path);
        return p;
    }

    private static void usage(HttpExchange ex, String message) throws IOException {
        SmallHttpServer.json(ex, 400, new ApiEvents.Error(message, FailureKind.USAGE));
    }
}
