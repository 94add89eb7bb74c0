package io.darner.processors.api;

import io.darner.processors.Json;
import io.darner.processors.store.ClusterStore;
import io.darner.processors.store.FileVersionStore;
import io.darner.processors.store.NodeState;
import io.darner.processors.store.TaskStore;
import org.apache.camel.Exchange;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the API. Times are ISO-8601 instants; absent values are left out. */
public final class Views {
    private Views() {}

    public static void reply(Exchange exchange, int status, Object body) {
        Json.reply(exchange, status, body);
    }

    public static Map<String, Object> task(TaskStore.Task t, List<TaskStore.TaskNode> nodes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("state", t.state().name());
        put(m, "cause", t.cause());
        m.put("source", t.sourceUrl());
        put(m, "file", t.fileRef());
        put(m, "digest", t.digest());
        m.put("target", t.targetPath());
        put(m, "cluster", t.clusterName());
        put(m, "rateBytesPerSecond", t.rateBytes());
        put(m, "startAt", time(t.startAt()));
        m.put("createdAt", time(t.createdAt()));
        m.put("createdBy", t.createdBy());
        m.put("tenant", t.tenant());
        put(m, "startedAt", time(t.startedAt()));
        put(m, "finishedAt", time(t.finishedAt()));
        if (t.startedAt() != null) {
            long end = t.finishedAt() != null ? t.finishedAt() : System.currentTimeMillis();
            m.put("seconds", Math.round((end - t.startedAt()) / 10.0) / 100.0);
        }
        put(m, "sizeBytes", t.sizeBytes());
        put(m, "contentId", t.contentId());
        put(m, "copiedFrom", t.copiedFrom());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("nodes", nodes.size());
        for (NodeState s : NodeState.values()) summary.put(s.name().toLowerCase(), nodes.stream().filter(n -> n.state() == s).count());
        long verified = nodes.stream().filter(n -> n.state() == NodeState.VERIFIED).count();
        summary.put("successRate", nodes.isEmpty() ? 0.0 : Math.round(1000.0 * verified / nodes.size()) / 1000.0);
        summary.put("bytesVerified", nodes.stream().mapToLong(TaskStore.TaskNode::verifiedBytes).sum());
        m.put("summary", summary);
        m.put("nodes", nodes.stream().map(Views::node).toList());
        return m;
    }

    public static Map<String, Object> taskBrief(TaskStore.Task t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("state", t.state().name());
        m.put("source", t.sourceUrl());
        put(m, "file", t.fileRef());
        put(m, "cluster", t.clusterName());
        m.put("createdAt", time(t.createdAt()));
        m.put("createdBy", t.createdBy());
        put(m, "finishedAt", time(t.finishedAt()));
        put(m, "cause", t.cause());
        return m;
    }

    static Map<String, Object> node(TaskStore.TaskNode n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", n.nodeId());
        m.put("room", n.room());
        m.put("state", n.state().name());
        m.put("verifiedBytes", n.verifiedBytes());
        put(m, "sizeBytes", n.sizeBytes());
        if (n.sizeBytes() != null && n.sizeBytes() > 0) m.put("progress", Math.round(1000.0 * n.verifiedBytes() / n.sizeBytes()) / 1000.0);
        if (n.fromSource()) m.put("fromSource", true);
        put(m, "message", n.message());
        m.put("updatedAt", time(n.updatedAt()));
        return m;
    }

    public static Map<String, Object> event(TaskStore.TaskEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", e.seq());
        m.put("at", time(e.at()));
        m.put("kind", e.kind());
        put(m, "state", e.state());
        put(m, "node", e.nodeId());
        m.put("cause", e.cause());
        return m;
    }

    public static Map<String, Object> cluster(ClusterStore.Cluster c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("kind", c.kind());
        m.put("nodes", c.nodes().stream().map(n -> Map.of("id", n.nodeId(), "room", n.room())).toList());
        m.put("createdAt", time(c.createdAt()));
        m.put("createdBy", c.createdBy());
        m.put("tenant", c.tenant());
        return m;
    }

    public static Map<String, Object> file(FileVersionStore.FileVersion f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", f.name());
        m.put("version", f.version());
        m.put("source", f.sourceUrl());
        put(m, "digest", f.digest());
        put(m, "sizeBytes", f.sizeBytes());
        m.put("createdAt", time(f.createdAt()));
        m.put("createdBy", f.createdBy());
        m.put("tenant", f.tenant());
        return m;
    }

    public static List<Map<String, Object>> grants(List<io.darner.processors.store.Principal.Grant> grants) {
        return grants.stream().map(g -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("role", g.role());
            if (g.clusters() != null) m.put("clusters", g.clusters());
            return m;
        }).toList();
    }

    public static Map<String, Object> user(io.darner.processors.store.UserStore.User u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("username", u.username());
        m.put("tenant", u.tenant());
        m.put("disabled", u.disabled());
        m.put("roles", grants(u.grants()));
        m.put("createdAt", time(u.createdAt()));
        put(m, "updatedAt", time(u.updatedAt()));
        return m;
    }

    public static Map<String, Object> role(String name, String tenant, java.util.Set<String> permissions, java.util.Set<String> clusters, boolean builtIn) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("builtIn", builtIn);
        put(m, "tenant", tenant);
        m.put("permissions", new java.util.TreeSet<>(permissions));
        put(m, "clusters", clusters);
        return m;
    }

    public static Map<String, Object> tenant(io.darner.processors.store.RightsStore.Tenant t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("createdAt", time(t.createdAt()));
        m.put("createdBy", t.createdBy());
        Map<String, Object> b = new LinkedHashMap<>();
        put(b, "nodeDownloadBytesPerSecond", t.bandwidth().nodeDownload());
        put(b, "taskBytesPerSecond", t.bandwidth().task());
        put(b, "originEgressBytesPerSecond", t.bandwidth().originEgress());
        m.put("bandwidth", b);
        return m;
    }

    static String time(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) m.put(key, value);
    }
}
