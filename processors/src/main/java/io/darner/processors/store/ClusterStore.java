package io.darner.processors.store;

import java.util.ArrayList;
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
            db.jdbc().update("insert into clusters (tenant, name, kind, created_at, created_by) values (?, ?, ?, ?, ?)",
                    c.tenant(), c.name(), c.kind(), c.createdAt(), c.createdBy());
            for (NodeRef n : c.nodes()) {
                db.jdbc().update("insert into cluster_nodes (tenant, cluster_name, node_id, room) values (?, ?, ?, ?)", c.tenant(), c.name(), n.nodeId(), n.room());
            }
        });
    }

    /** The cluster {@code name} of {@code tenant}. */
    public Optional<Cluster> find(String tenant, String name) {
        return list(tenant, name).stream().findFirst();
    }

    /** The clusters called {@code name}, of every tenant (names are unique per tenant). */
    public List<Cluster> named(String name) {
        return list(null, name);
    }

    public List<Cluster> list() {
        return list(null, null);
    }

    /** Clusters of {@code tenant} (null: all). */
    public List<Cluster> inTenant(String tenant) {
        return list(tenant, null);
    }

    public boolean delete(String tenant, String name) {
        return db.inTransaction(() -> {
            db.jdbc().update("delete from cluster_nodes where tenant = ? and cluster_name = ?", tenant, name);
            return db.jdbc().update("delete from clusters where tenant = ? and name = ?", tenant, name) > 0;
        });
    }

    /** Clusters, of one tenant and/or of one name where given, ordered by name then tenant. */
    private List<Cluster> list(String tenant, String name) {
        List<Object> args = new ArrayList<>();
        if (tenant != null) args.add(tenant);
        if (name != null) args.add(name);
        Map<String, Cluster> out = new LinkedHashMap<>();
        db.jdbc().query("select tenant, name, kind, created_at, created_by from clusters" + where(tenant, name, "name") + " order by name, tenant", rs -> {
            out.put(rs.getString(1) + "/" + rs.getString(2),
                    new Cluster(rs.getString(2), rs.getString(3), new ArrayList<>(), rs.getLong(4), rs.getString(5), rs.getString(1)));
        }, args.toArray());
        db.jdbc().query("select tenant, cluster_name, node_id, room from cluster_nodes" + where(tenant, name, "cluster_name") + " order by node_id", rs -> {
            Cluster c = out.get(rs.getString(1) + "/" + rs.getString(2));
            if (c != null) c.nodes().add(new NodeRef(rs.getString(3), rs.getString(4)));
        }, args.toArray());
        return List.copyOf(out.values());
    }

    /** The condition on tenant (if given) and then name (if given, in column {@code nameColumn}). */
    private static String where(String tenant, String name, String nameColumn) {
        List<String> terms = new ArrayList<>();
        if (tenant != null) terms.add("tenant = ?");
        if (name != null) terms.add(nameColumn + " = ?");
        return terms.isEmpty() ? "" : " where " + String.join(" and ", terms);
    }
}
