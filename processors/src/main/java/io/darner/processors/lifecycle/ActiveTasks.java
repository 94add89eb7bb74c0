package io.darner.processors.lifecycle;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tasks this process has handed to supernodes (room → engine task id), and when it first
 * tried to. A task that is RUNNING in the database but not here (after a restart) is handed
 * out again for the nodes that have not finished.
 */
public final class ActiveTasks {
    private final Map<String, Map<String, String>> engineIds = new ConcurrentHashMap<>();
    private final Map<String, Long> firstAttempt = new ConcurrentHashMap<>();
    private final Map<String, Long> nodeMissingSince = new ConcurrentHashMap<>();

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
