package io.darner.processors.store;

import java.util.List;
import java.util.UUID;

/** Who did what to which object, when, and whether it was allowed. */
public final class AuditStore {
    public record Entry(String id, long at, String actor, String action, String target, String outcome, String detail) {}

    private final Db db;

    public AuditStore(Db db) {
        this.db = db;
    }

    public void record(String actor, String action, String target, String outcome, String detail) {
        db.jdbc().update("insert into audit_log (id, at_ms, actor, action, target, outcome, detail) values (?, ?, ?, ?, ?, ?, ?)",
                UUID.randomUUID().toString(), System.currentTimeMillis(), actor, action, Text.clip(target, 300), outcome, Text.clip(detail, 1000));
    }

    public List<Entry> latest(int limit) {
        return db.jdbc().query("select id, at_ms, actor, action, target, outcome, detail from audit_log order by at_ms desc, id",
                (rs, i) -> new Entry(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)))
                .stream().limit(limit).toList();
    }
}
