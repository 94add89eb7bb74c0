package io.darner.processors.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.darner.engine.api.TaskProgress;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.supernode.SwarmTask.NodeOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Supernodes of other rooms, run as their own daemons ({@code darner supernode}) and reached on
 * their admin address: tasks go out with {@code POST /api/tasks}, progress and outcomes come back
 * by polling {@code GET /api/tasks}, and a stop is {@code POST /api/tasks/cancel}.
 */
public final class RemoteEngine implements Engine, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RemoteEngine.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final Map<String, URI> admins;
    private final Duration pollEvery;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "darner-remote-supernodes");
        t.setDaemon(true);
        return t;
    });

    /** @param admins room → the admin address ({@code HOST:PORT}) of that room's supernode */
    public RemoteEngine(Map<String, String> admins, Duration pollEvery) {
        Map<String, URI> m = new LinkedHashMap<>();
        admins.forEach((room, address) -> m.put(room, URI.create("http://" + address)));
        this.admins = Map.copyOf(m);
        this.pollEvery = pollEvery;
    }

    @Override
    public Set<String> rooms() {
        return new TreeSet<>(admins.keySet());
    }

    @Override
    public Set<String> registeredNodes(String room) {
        Set<String> out = new HashSet<>();
        for (JsonNode n : call(room, "GET", "/api/nodes", null).path("nodes")) out.add(n.asText());
        return out;
    }

    @Override
    public Dispatch submit(String room, TaskSpec spec, Map<String, Path> targets) {
        ObjectNode body = JSON.createObjectNode();
        body.put("source", spec.source());
        if (spec.expectedDigest() != null) body.put("digest", spec.expectedDigestText());
        ObjectNode t = body.putObject("targets");
        targets.forEach((node, path) -> t.put(node, path == null ? null : path.toString()));
        if (!spec.limits().isNone()) {
            body.put("taskRate", spec.limits().taskBytesPerSecond());
            body.put("rateGroup", spec.limits().group());
            body.put("groupRate", spec.limits().groupBytesPerSecond());
            body.put("originRate", spec.limits().originBytesPerSecond());
        }
        String id = call(room, "POST", "/api/tasks", body).path("taskId").asText();
        RemoteDispatch d = new RemoteDispatch(room, id, targets.keySet());
        d.poll = poller.scheduleWithFixedDelay(d::poll, 0, pollEvery.toMillis(), TimeUnit.MILLISECONDS);
        return d;
    }

    @Override
    public void cancel(String room, String engineTaskId, String reason) {
        ObjectNode body = JSON.createObjectNode().put("taskId", engineTaskId).put("reason", reason);
        call(room, "POST", "/api/tasks/cancel", body);
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }

    private JsonNode call(String room, String method, String path, JsonNode body) {
        URI base = admins.get(room);
        if (base == null) throw new IllegalStateException("no supernode serves room " + room);
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT);
            if (body == null) b.method(method, HttpRequest.BodyPublishers.noBody());
            else b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("the supernode of room " + room + " (" + base + ") refused " + method + " " + path
                        + ": HTTP " + r.statusCode() + " " + answer.path("error").asText(r.body()));
            }
            return answer;
        } catch (IOException e) {
            throw new IllegalStateException("the supernode of room " + room + " (" + base + ") did not answer " + method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling the supernode of room " + room, e);
        }
    }

    private final class RemoteDispatch implements Dispatch {
        private final String room;
        private final String id;
        private final Set<String> targets;
        private final Map<String, NodeOutcome> outcomes = new LinkedHashMap<>();
        private final List<Consumer<TaskProgress>> progress = new CopyOnWriteArrayList<>();
        private final List<Consumer<NodeOutcome>> outcomeListeners = new CopyOnWriteArrayList<>();
        volatile ScheduledFuture<?> poll;

        RemoteDispatch(String room, String id, Set<String> targets) {
            this.room = room;
            this.id = id;
            this.targets = Set.copyOf(targets);
        }

        @Override public String engineTaskId() { return id; }

        @Override public void onProgress(Consumer<TaskProgress> listener) { progress.add(listener); }

        @Override
        public void onOutcome(Consumer<NodeOutcome> listener) {
            List<NodeOutcome> earlier;
            synchronized (this) {
                outcomeListeners.add(listener);
                earlier = List.copyOf(outcomes.values());
            }
            earlier.forEach(listener);
        }

        void poll() {
            try {
                for (JsonNode task : call(room, "GET", "/api/tasks", null).path("tasks")) {
                    if (!id.equals(task.path("taskId").asText())) continue;
                    long size = task.path("size").asLong(-1);
                    String content = task.path("contentId").isTextual() ? task.path("contentId").asText() : null;
                    for (JsonNode m : task.path("members")) {
                        String node = m.path("nodeId").asText();
                        if (!targets.contains(node)) continue;
                        TaskProgress p = new TaskProgress(id, node, m.path("verifiedBytes").asLong(), size, 0);
                        for (Consumer<TaskProgress> l : progress) l.accept(p);
                        if (m.path("success").isBoolean()) {
                            boolean ok = m.path("success").asBoolean();
                            outcome(new NodeOutcome(node, ok, ok ? content : null, m.path("message").asText(null)));
                        }
                    }
                }
                synchronized (this) {
                    if (outcomes.keySet().containsAll(targets)) poll.cancel(false);
                }
            } catch (RuntimeException e) {
                log.warn("task {} in room {}: polling its supernode failed: {}", id, room, e.getMessage());
            }
        }

        private void outcome(NodeOutcome o) {
            List<Consumer<NodeOutcome>> tell;
            synchronized (this) {
                if (outcomes.containsKey(o.nodeId())) return;
                outcomes.put(o.nodeId(), o);
                tell = List.copyOf(outcomeListeners);
            }
            tell.forEach(l -> l.accept(o));
        }
    }
}
