package io.darner.processors.store;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Tenants and the custom roles of each tenant. */
public final class RightsStore {
    public record Tenant(String name, long createdAt, String createdBy, Bandwidth bandwidth) {}

    /**
     * A tenant's bandwidth policy, bytes per second, null where there is no cap: {@code nodeDownload}
     * is shared by the tenant's concurrent tasks on each node, {@code task} caps each of its tasks
     * on each node, {@code originEgress} is shared by its tasks on a supernode's seed.
     */
    public record Bandwidth(Long nodeDownload, Long task, Long originEgress) {
        public static final Bandwidth NONE = new Bandwidth(null, null, null);
    }

    private static final String TENANT_COLUMNS = "select name, created_at, created_by, node_rate, task_rate, origin_rate from tenants";

    /** A custom role: permission patterns, optionally limited to named clusters (null: all of the tenant's). */
    public record Role(String tenant, String name, Set<String> permissions, Set<String> clusters, long createdAt, String createdBy) {}

    private final Db db;

    public RightsStore(Db db) {
        this.db = db;
    }

    // ---- tenants

    public void createTenant(String name, String by) {
        createTenant(name, by, Bandwidth.NONE);
    }

    public void createTenant(String name, String by, Bandwidth b) {
        db.jdbc().update("insert into tenants (name, created_at, created_by, node_rate, task_rate, origin_rate) values (?, ?, ?, ?, ?, ?)",
                name, System.currentTimeMillis(), by, b.nodeDownload(), b.task(), b.originEgress());
    }

    public Optional<Tenant> tenant(String name) {
        return db.jdbc().query(TENANT_COLUMNS + " where name = ?", RightsStore::tenant, name).stream().findFirst();
    }

    public List<Tenant> tenants() {
        return db.jdbc().query(TENANT_COLUMNS + " order by name", RightsStore::tenant);
    }

    /** Replaces a tenant's bandwidth policy; false if there is no such tenant. */
    public boolean setBandwidth(String name, Bandwidth b) {
        return db.jdbc().update("update tenants set node_rate = ?, task_rate = ?, origin_rate = ? where name = ?",
                b.nodeDownload(), b.task(), b.originEgress(), name) > 0;
    }

    private static Tenant tenant(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Tenant(rs.getString(1), rs.getLong(2), rs.getString(3),
                new Bandwidth(rs.getObject(4, Long.class), rs.getObject(5, Long.class), rs.getObject(6, Long.class)));
    }

    /** What a tenant still owns (a tenant is deleted only when empty). */
    public long owned(String tenant) {
        long n = 0;
        for (String table : List.of("users", "clusters", "file_versions", "tasks", "roles")) {
            n += db.jdbc().queryForObject("select count(*) from " + table + " where tenant = ?", Long.class, tenant);
        }
        return n;
    }

    public boolean deleteTenant(String name) {
        return db.jdbc().update("delete from tenants where name = ?", name) > 0;
    }

    // ---- custom roles

    public void createRole(Role r) {
        db.jdbc().update("insert into roles (tenant, name, permissions, clusters, created_at, created_by) values (?, ?, ?, ?, ?, ?)",
                r.tenant(), r.name(), join(r.permissions()), join(r.clusters()), r.createdAt(), r.createdBy());
    }

    public Optional<Role> role(String tenant, String name) {
        return roles(" where tenant = ? and name = ?", tenant, name).stream().findFirst();
    }

    /** Custom roles of {@code tenant} (null: of all tenants). */
    public List<Role> roles(String tenant) {
        return tenant == null ? roles("") : roles(" where tenant = ?", tenant);
    }

    /** Deletes a custom role and every grant of it, in one transaction. */
    public boolean deleteRole(String tenant, String name) {
        return db.inTransaction(() -> {
            db.jdbc().update("delete from user_roles where role = ? and username in (select username from users where tenant = ?)", name, tenant);
            return db.jdbc().update("delete from roles where tenant = ? and name = ?", tenant, name) > 0;
        });
    }

    private List<Role> roles(String where, Object... args) {
        return db.jdbc().query("select tenant, name, permissions, clusters, created_at, created_by from roles" + where + " order by tenant, name",
                (rs, i) -> new Role(rs.getString(1), rs.getString(2), split(rs.getString(3)), split(rs.getString(4)), rs.getLong(5), rs.getString(6)), args);
    }

    static String join(Set<String> values) {
        return values == null ? null : String.join(",", new TreeSet<>(values));
    }

    static Set<String> split(String s) {
        if (s == null) return null;
        Set<String> out = new TreeSet<>();
        if (!s.isEmpty()) out.addAll(Arrays.asList(s.split(",")));
        return out;
    }
}
