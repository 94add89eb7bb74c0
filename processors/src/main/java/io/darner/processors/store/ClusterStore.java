package io.darner.processors.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Clusters of kind {@code host}: a named list of nodes, each with its room. */
public final class ClusterStore {
    public record NodeRef(String nodeId, String room) {}

    public record Cluster(String name, String kind, List<NodeRef> nodes, long createdAt, String createdBy, String tenant) {
        public Cluster(String name, String kind, List<NodeRef> nodes, long createdAt, String createdBy) {
            this(name, kind, nodes, createdAt, createdBy, Principal.DEFAULT_TENANT);
        }
    }

    private final Db db;

    public ClusterStore(Db db) {
        this.db = db;
    }

    public void create(Cluster c) {
        db.inTransaction(() -> {
            db.jdbc().update("insert into clusters (name, kind, created_at, created_by, tenant) values (?, ?, ?, ?, ?)",
                    c.name(), c.kind(), c.createdAt(), c.createdBy(), c.tenant());
            for (NodeRef n : c.nodes()) {
                db.jdbc().update("insert into cluster_nodes (cluster_name, node_id, room) values (?, ?, ?)", c.name(), n.nodeId(), n.room());
            }
        });
    }

    public Optional<Cluster> find(String name) {
        return list(name).stream().findFirst();
    }

    public List<Cluster> list() {
        return list(null);
    }

    /** Clusters of {@code tenant} (null: all). */
    public List<Cluster> inTenant(String tenant) {
        return tenant == null ? list() : list().stream().filter(c -> c.tenant().equals(tenant)).toList();
    }

    public boolean delete(String name) {
        return db.inTransaction(() -> {
            db.jdbc().update("delete from cluster_nodes where cluster_name = ?", name);
            return db.jdbc().update("delete from clusters where name = ?", name) > 0;
        });
    }

    private List<Cluster> list(String only) {
        Map<String, Cluster> out = new LinkedHashMap<>();
        String where = only == null ? "" : " where name = ?";
        Object[] args = only == null ? new Object[0] : new Object[] {only};
        db.jdbc().query("select name, kind, created_at, created_by, tenant from clusters" + where + " order by name", rs -> {
            out.put(rs.getString(1), new Cluster(rs.getString(1), rs.getString(2), new java.util.ArrayList<>(), rs.getLong(3), rs.getString(4), rs.getString(5)));
        }, args);
        db.jdbc().query("select cluster_name, node_id, room from cluster_nodes" + (only == null ? "" : " where cluster_name = ?") + " order by node_id", rs -> {
            Cluster c = out.get(rs.getString(1));
            if (c != null) c.nodes().add(new NodeRef(rs.getString(2), rs.getString(3)));
        }, args);
        return List.copyOf(out.values());
    }
}
