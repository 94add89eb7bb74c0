package io.darner.processors.store;

import org.springframework.jdbc.core.RowMapper;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Tasks, their per-node state and their event log. Every state change is one transaction that
 * updates the row only if it is still in an expected state and appends the event that says why:
 * two replicas (or a late engine callback) can never move a task backwards.
 */
public final class TaskStore {
    public record Task(String id, TaskState state, String sourceUrl, String fileRef, String digest, String targetPath,
                       String clusterName, Long rateBytes, Long startAt, long createdAt, String createdBy,
                       Long startedAt, Long finishedAt, Long sizeBytes, String contentId, String copiedFrom, String cause, String tenant) {
        public Task(String id, TaskState state, String sourceUrl, String fileRef, String digest, String targetPath,
                    String clusterName, Long rateBytes, Long startAt, long createdAt, String createdBy,
                    Long startedAt, Long finishedAt, Long sizeBytes, String contentId, String copiedFrom, String cause) {
            this(id, state, sourceUrl, fileRef, digest, targetPath, clusterName, rateBytes, startAt, createdAt, createdBy, startedAt, finishedAt,
                    sizeBytes, contentId, copiedFrom, cause, Principal.DEFAULT_TENANT);
        }
    }

    public record TaskNode(String taskId, String nodeId, String room, NodeState state, long verifiedBytes, Long sizeBytes,
                           boolean fromSource, String message, long updatedAt, Long finishedAt) {}

    public record TaskEvent(int seq, long at, String kind, String state, String nodeId, String cause) {}

    public record Page(List<Task> items, long total) {}

    private static final String TASK_COLUMNS = "id, state, source_url, file_ref, digest, target_path, cluster_name, rate_bytes, start_at,"
            + " created_at, created_by, started_at, finished_at, size_bytes, content_id, copied_from, cause, tenant";
    private static final RowMapper<Task> TASK = (rs, i) -> new Task(rs.getString(1), TaskState.valueOf(rs.getString(2)), rs.getString(3),
            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getObject(8, Long.class), rs.getObject(9, Long.class),
            rs.getLong(10), rs.getString(11), rs.getObject(12, Long.class), rs.getObject(13, Long.class), rs.getObject(14, Long.class),
            rs.getString(15), rs.getString(16), rs.getString(17), rs.getString(18));
    private static final RowMapper<TaskNode> NODE = (rs, i) -> new TaskNode(rs.getString(1), rs.getString(2), rs.getString(3),
            NodeState.valueOf(rs.getString(4)), rs.getLong(5), rs.getObject(6, Long.class), rs.getBoolean(7), rs.getString(8),
            rs.getLong(9), rs.getObject(10, Long.class));

    private final Db db;

    public TaskStore(Db db) {
        this.db = db;
    }

    /** Writes a new task in state PENDING with its target nodes and its first event, atomically. */
    public void insert(Task t, Collection<ClusterStore.NodeRef> nodes, String cause) {
        db.inTransaction(() -> {
            db.jdbc().update("insert into tasks (" + TASK_COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    t.id(), TaskState.PENDING.name(), t.sourceUrl(), t.fileRef(), t.digest(), t.targetPath(), t.clusterName(),
                    t.rateBytes(), t.startAt(), t.createdAt(), t.createdBy(), null, null, null, null, t.copiedFrom(), null, t.tenant());
            for (ClusterStore.NodeRef n : nodes) {
                db.jdbc().update("insert into task_nodes (task_id, node_id, room, state, verified_bytes, size_bytes, from_source, message, updated_at, finished_at)"
                        + " values (?, ?, ?, ?, 0, null, ?, null, ?, null)", t.id(), n.nodeId(), n.room(), NodeState.PENDING.name(), false, t.createdAt());
            }
            appendEvent(t.id(), "state", TaskState.PENDING.name(), null, cause);
        });
    }

    /**
     * Moves the task to {@code to} if it is in one of {@code from}; records the event. False
     * when the task is gone or already elsewhere (nothing written then).
     */
    public boolean transition(String id, Collection<TaskState> from, TaskState to, String cause) {
        return db.inTransaction(() -> {
            long now = System.currentTimeMillis();
            String in = from.stream().map(s -> "'" + s.name() + "'").collect(Collectors.joining(","));
            String extra = to == TaskState.RUNNING ? ", started_at = coalesce(started_at, " + now + ")"
                    : to.finished() ? ", finished_at = " + now : "";
            int n = db.jdbc().update("update tasks set state = ?, cause = ?" + extra + " where id = ? and state in (" + in + ")",
                    to.name(), Text.clip(cause, 1000), id);
            if (n == 0) return false;
            appendEvent(id, "state", to.name(), null, cause);
            return true;
        });
    }

    /**
     * Takes (or keeps) the right to drive the task until {@code until}: granted when nobody holds
     * it, when {@code owner} already does, or when the holder's lease ran out (it stopped).
     */
    public boolean claim(String id, String owner, long now, long until) {
        return db.jdbc().update("update tasks set owner = ?, lease_until = ? where id = ? and (owner is null or owner = ? or lease_until < ?)",
                owner, until, id, owner, now) > 0;
    }

    /** Extends the leases {@code owner} holds on unfinished tasks. */
    public void renewLeases(String owner, long until) {
        db.jdbc().update("update tasks set lease_until = ? where owner = ? and state in ('SCHEDULED', 'RUNNING', 'VERIFYING')", until, owner);
    }

    /** Records what the source turned out to be (size, content id) once the engine knows. */
    public void describeContent(String id, Long size, String contentId) {
        db.jdbc().update("update tasks set size_bytes = coalesce(?, size_bytes), content_id = coalesce(?, content_id) where id = ?", size, contentId, id);
    }

    /** A node's verified bytes so far; ignored once the node finished. */
    public void nodeProgress(String id, String nodeId, long verifiedBytes, long size) {
        db.jdbc().update("update task_nodes set state = ?, verified_bytes = ?, size_bytes = ?, updated_at = ? where task_id = ? and node_id = ? and state in ('PENDING', 'RUNNING')",
                NodeState.RUNNING.name(), verifiedBytes, size < 0 ? null : size, System.currentTimeMillis(), id, nodeId);
    }

    /** Marks a node as started (its command went out). */
    public void nodeStarted(String id, String nodeId, String cause) {
        db.inTransaction(() -> {
            int n = db.jdbc().update("update task_nodes set state = ?, updated_at = ? where task_id = ? and node_id = ? and state = 'PENDING'",
                    NodeState.RUNNING.name(), System.currentTimeMillis(), id, nodeId);
            if (n > 0) appendEvent(id, "node", NodeState.RUNNING.name(), nodeId, cause);
        });
    }

    /** A node's final state with its cause, once; later reports for the same node are ignored. */
    public boolean finishNode(String id, String nodeId, NodeState state, String message, boolean fromSource) {
        return db.inTransaction(() -> {
            long now = System.currentTimeMillis();
            String verified = state == NodeState.VERIFIED ? ", verified_bytes = coalesce(size_bytes, verified_bytes)" : "";
            int n = db.jdbc().update("update task_nodes set state = ?, message = ?, from_source = ?, updated_at = ?, finished_at = ?" + verified
                            + " where task_id = ? and node_id = ? and state in ('PENDING', 'RUNNING')",
                    state.name(), Text.clip(message, 1000), fromSource, now, now, id, nodeId);
            if (n == 0) return false;
            appendEvent(id, "node", state.name(), nodeId, message);
            return true;
        });
    }

    /** Stops every node that has not finished; returns how many. */
    public int stopUnfinishedNodes(String id, String cause) {
        return db.inTransaction(() -> {
            List<String> open = db.jdbc().queryForList("select node_id from task_nodes where task_id = ? and state in ('PENDING', 'RUNNING')", String.class, id);
            for (String node : open) finishNode(id, node, NodeState.STOPPED, cause, false);
            return open.size();
        });
    }

    public void event(String id, String kind, String nodeId, String cause) {
        db.inTransaction(() -> {
            if (lock(id)) appendEvent(id, kind, null, nodeId, cause);
        });
    }

    public Optional<Task> find(String id) {
        return db.jdbc().query("select " + TASK_COLUMNS + " from tasks where id = ?", TASK, id).stream().findFirst();
    }

    public List<TaskNode> nodes(String id) {
        return db.jdbc().query("select task_id, node_id, room, state, verified_bytes, size_bytes, from_source, message, updated_at, finished_at"
                + " from task_nodes where task_id = ? order by node_id", NODE, id);
    }

    public List<TaskEvent> events(String id) {
        return db.jdbc().query("select seq, at_ms, kind, state, node_id, cause from task_events where task_id = ? order by seq",
                (rs, i) -> new TaskEvent(rs.getInt(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)), id);
    }

    public List<Task> inStates(Collection<TaskState> states) {
        String in = states.stream().map(s -> "'" + s.name() + "'").collect(Collectors.joining(","));
        return db.jdbc().query("select " + TASK_COLUMNS + " from tasks where state in (" + in + ") order by created_at", TASK);
    }

    /** A page of tasks, newest first, optionally filtered by state, cluster and creator. */
    public Page list(TaskState state, String cluster, String creator, int page, int size) {
        return list(null, null, state, cluster, creator, page, size);
    }

    /**
     * As {@link #list(TaskState, String, String, int, int)}, only tasks of {@code tenant} (null: all)
     * on the clusters {@code within} (null: any cluster or node list; empty: none).
     */
    public Page list(String tenant, java.util.Set<String> within, TaskState state, String cluster, String creator, int page, int size) {
        StringBuilder where = new StringBuilder(" where 1 = 1");
        List<Object> args = new ArrayList<>();
        if (tenant != null) { where.append(" and tenant = ?"); args.add(tenant); }
        if (within != null && within.isEmpty()) where.append(" and 1 = 0");
        if (within != null && !within.isEmpty()) {
            where.append(" and cluster_name in (").append(String.join(", ", java.util.Collections.nCopies(within.size(), "?"))).append(")");
            args.addAll(within);
        }
        if (state != null) { where.append(" and state = ?"); args.add(state.name()); }
        if (cluster != null) { where.append(" and cluster_name = ?"); args.add(cluster); }
        if (creator != null) { where.append(" and created_by = ?"); args.add(creator); }
        long total = db.jdbc().queryForObject("select count(*) from tasks" + where, Long.class, args.toArray());
        args.add(size);
        args.add((long) page * size);
        List<Task> items = db.jdbc().query("select " + TASK_COLUMNS + " from tasks" + where + " order by created_at desc, id limit ? offset ?",
                TASK, args.toArray());
        return new Page(items, total);
    }

    /** Deletes a finished task with its nodes and events; false if it is missing or not finished. */
    public boolean delete(String id) {
        return db.inTransaction(() -> {
            String in = TaskState.FINISHED.stream().map(s -> "'" + s.name() + "'").collect(Collectors.joining(","));
            if (db.jdbc().queryForObject("select count(*) from tasks where id = ? and state in (" + in + ")", Long.class, id) == 0) return false;
            db.jdbc().update("delete from task_events where task_id = ?", id);
            db.jdbc().update("delete from task_nodes where task_id = ?", id);
            return db.jdbc().update("delete from tasks where id = ?", id) > 0;
        });
    }

    private boolean lock(String id) {
        return !db.jdbc().queryForList("select id from tasks where id = ? for update", String.class, id).isEmpty();
    }

    private void appendEvent(String id, String kind, String state, String nodeId, String cause) {
        lock(id);
        int seq = db.jdbc().queryForObject("select coalesce(max(seq), 0) + 1 from task_events where task_id = ?", Integer.class, id);
        db.jdbc().update("insert into task_events (task_id, seq, at_ms, kind, state, node_id, cause) values (?, ?, ?, ?, ?, ?, ?)",
                id, seq, System.currentTimeMillis(), kind, state, nodeId, Text.clip(cause == null ? "" : cause, 1000));
    }
}
