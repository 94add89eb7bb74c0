package io.darner.processors.store;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Who did what to which object, when, from where, and how it ended. Rows form a hash chain: each
 * carries the SHA-256 of its own fields and of the previous row's hash, and {@code audit_head}
 * holds the last link, so altering, removing or reordering any row breaks the chain at that row
 * ({@link #verify}). Appends lock the head row: one chain across server replicas.
 */
public final class AuditStore {
    public record Entry(String id, long at, String actor, String action, String target, String outcome, String detail,
                        String tenant, String client, long seq) {
        public Entry(String id, long at, String actor, String action, String target, String outcome, String detail) {
            this(id, at, actor, action, target, outcome, detail, null, null, 0);
        }
    }

    /** Filters of the audit query; null: any. */
    public record Query(String tenant, String actor, String action, String target, Long from, Long to) {}

    public record Page(List<Entry> items, long total) {}

    /** The outcome of {@link #verify}: the rows checked and, if the chain is broken, the first row that does not fit and why. */
    public record Verification(long rows, String brokenId, Long brokenSeq, String reason) {
        public boolean intact() {
            return brokenId == null && reason == null;
        }
    }

    private static final String COLUMNS = "id, at_ms, actor, action, target, outcome, detail, tenant, client, seq";
    private final Db db;

    public AuditStore(Db db) {
        this.db = db;
    }

    public void record(String actor, String action, String target, String outcome, String detail) {
        record(actor, null, action, target, outcome, detail, null);
    }

    /** Appends one row to the chain. */
    public void record(String actor, String tenant, String action, String target, String outcome, String detail, String client) {
        db.inTransaction(() -> append(UUID.randomUUID().toString(), System.currentTimeMillis(), Text.clip(actor, 64), Text.clip(tenant, 64),
                Text.clip(action, 64), Text.clip(target, 300), outcome, Text.clip(detail, 1000), Text.clip(client, 64)));
    }

    private void append(String id, long at, String actor, String tenant, String action, String target, String outcome, String detail, String client) {
        if (actor == null) actor = "anonymous";
        Object[] head = db.jdbc().queryForObject("select seq, row_hash from audit_head where id = 1 for update",
                (rs, i) -> new Object[] {rs.getLong(1), rs.getString(2)});
        long seq = (Long) head[0] + 1;
        String prev = (String) head[1];
        String hash = hash(prev, seq, id, at, actor, tenant, action, target, outcome, detail, client);
        db.jdbc().update("insert into audit_log (id, at_ms, actor, action, target, outcome, detail, tenant, client, seq, prev_hash, row_hash)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", id, at, actor, action, target, outcome, detail,
                tenant, client, seq, prev, hash);
        db.jdbc().update("update audit_head set seq = ?, row_hash = ? where id = 1", seq, hash);
    }

    /** Links rows written before the chain existed (schema V1) into it, oldest first; run once at start. */
    public int sealUnchained() {
        return db.inTransaction(() -> {
            db.jdbc().queryForObject("select seq from audit_head where id = 1 for update", Long.class);
            List<Entry> open = db.jdbc().query("select " + COLUMNS + " from audit_log where seq is null order by at_ms, id", (rs, i) -> entry(rs));
            for (Entry e : open) {
                db.jdbc().update("delete from audit_log where id = ?", e.id());
                append(e.id(), e.at(), e.actor(), e.tenant(), e.action(), e.target(), e.outcome(), e.detail(), e.client());
            }
            return open.size();
        });
    }

    public List<Entry> latest(int limit) {
        return query(new Query(null, null, null, null, null, null), 0, limit).items();
    }

    /** A page of rows, newest first. */
    public Page query(Query q, int page, int size) {
        StringBuilder where = new StringBuilder(" where 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.tenant() != null) { where.append(" and tenant = ?"); args.add(q.tenant()); }
        if (q.actor() != null) { where.append(" and actor = ?"); args.add(q.actor()); }
        if (q.action() != null) { where.append(" and action = ?"); args.add(q.action()); }
        if (q.target() != null) { where.append(" and target = ?"); args.add(q.target()); }
        if (q.from() != null) { where.append(" and at_ms >= ?"); args.add(q.from()); }
        if (q.to() != null) { where.append(" and at_ms < ?"); args.add(q.to()); }
        long total = db.jdbc().queryForObject("select count(*) from audit_log" + where, Long.class, args.toArray());
        args.add(size);
        args.add((long) page * size);
        List<Entry> items = db.jdbc().query("select " + COLUMNS + " from audit_log" + where + " order by seq desc, at_ms desc, id limit ? offset ?",
                (rs, i) -> entry(rs), args.toArray());
        return new Page(items, total);
    }

    /** Walks the chain from the first row: the first row whose link or content does not match, if any. */
    public Verification verify() {
        long[] count = {0};
        long[] expectSeq = {1};
        String[] prev = {"genesis"};
        Verification[] broken = {null};
        db.jdbc().query("select " + COLUMNS + ", prev_hash, row_hash from audit_log order by seq, id", rs -> {
            if (broken[0] != null) return;
            Entry e = entry(rs);
            count[0]++;
            String prevHash = rs.getString(11), rowHash = rs.getString(12);
            if (rs.getObject(10) == null) {
                broken[0] = new Verification(count[0], e.id(), null, "the row is not linked into the chain");
            } else if (e.seq() != expectSeq[0]) {
                broken[0] = new Verification(count[0], e.id(), e.seq(), "row(s) " + expectSeq[0] + (e.seq() - 1 > expectSeq[0] ? "-" + (e.seq() - 1) : "")
                        + " before this one are missing");
            } else if (!prev[0].equals(prevHash)) {
                broken[0] = new Verification(count[0], e.id(), e.seq(), "the row does not link to the hash of the row before it");
            } else if (!hash(prevHash, e.seq(), e.id(), e.at(), e.actor(), e.tenant(), e.action(), e.target(), e.outcome(), e.detail(), e.client()).equals(rowHash)) {
                broken[0] = new Verification(count[0], e.id(), e.seq(), "the row was altered: its content does not match its hash");
            }
            prev[0] = rowHash;
            expectSeq[0] = e.seq() + 1;
        });
        if (broken[0] != null) return broken[0];
        Object[] head = db.jdbc().queryForObject("select seq, row_hash from audit_head where id = 1", (rs, i) -> new Object[] {rs.getLong(1), rs.getString(2)});
        if ((Long) head[0] != expectSeq[0] - 1 || !head[1].equals(prev[0])) {
            return new Verification(count[0], null, (Long) head[0], "the last row(s) of the chain are missing: the chain ends at row "
                    + (expectSeq[0] - 1) + " but was written up to row " + head[0]);
        }
        return new Verification(count[0], null, null, null);
    }

    private static Entry entry(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Entry(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                rs.getString(8), rs.getString(9), rs.getLong(10));
    }

    static String hash(String prev, long seq, String id, long at, String actor, String tenant, String action, String target, String outcome,
                       String detail, String client) {
        StringBuilder b = new StringBuilder(prev).append('\n').append(seq).append('\n').append(at);
        for (String s : new String[] {id, actor, tenant, action, target, outcome, detail, client}) {
            b.append('\n').append(s == null ? -1 : s.length()).append(':').append(s == null ? "" : s);
        }
        return UserStore.sha256(b.toString());
    }
}
