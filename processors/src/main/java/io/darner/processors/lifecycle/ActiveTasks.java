package io.darner.processors.lifecycle;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tasks this process has handed to supernodes (room → engine task id), and when it first
 * tried to. A task that is RUNNING in the database but not here (after a restart) is handed
 * out again for the nodes that have not finished. Several replicas share one database: each task
 * is driven by the replica holding its lease ({@link #LEASE_MILLIS}), and taken over by another
 * only when that lease runs out.
 */
public final class ActiveTasks {
    /** How long a replica's claim on a task lasts without renewal (reconcile renews it every period). */
    public static final long LEASE_MILLIS = 20_000;
    private final String owner;
    private final Map<String, Map<String, String>> engineIds = new ConcurrentHashMap<>();
    private final Map<String, Long> firstAttempt = new ConcurrentHashMap<>();
    private final Map<String, Long> nodeMissingSince = new ConcurrentHashMap<>();

    /** This process as a task owner, unique among the server replicas sharing the database. */
    public ActiveTasks(String owner) {
        this.owner = owner;
    }

    public ActiveTasks() {
        this("server-" + java.util.UUID.randomUUID());
    }

    public String owner() {
        return owner;
    }

    /** Ids of the tasks held here. */
    public java.util.Set<String> ids() {
        return java.util.Set.copyOf(engineIds.keySet());
    }

    public boolean isActive(String taskId) {
        return engineIds.containsKey(taskId);
    }

    public void activate(String taskId, Map<String, String> roomToEngineId) {
        engineIds.put(taskId, Map.copyOf(roomToEngineId));
    }

    public Map<String, String> engineIds(String taskId) {
        return engineIds.getOrDefault(taskId, Map.of());
    }

    /** When fan-out first looked at the task in this process. */
    public long firstAttempt(String taskId, long now) {
        return firstAttempt.computeIfAbsent(taskId, k -> now);
    }

    /** When the node was first seen missing from its supernode (now if it just went missing). */
    public long missingSince(String taskId, String nodeId, long now) {
        return nodeMissingSince.computeIfAbsent(taskId + "\n" + nodeId, k -> now);
    }

    public void present(String taskId, String nodeId) {
        nodeMissingSince.remove(taskId + "\n" + nodeId);
    }

    public void finish(String taskId) {
        engineIds.remove(taskId);
        firstAttempt.remove(taskId);
        nodeMissingSince.keySet().removeIf(k -> k.startsWith(taskId + "\n"));
    }
}
