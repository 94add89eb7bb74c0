package io.darner.engine.supernode;

import io.darner.engine.api.TaskProgress;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A task the supernode was asked to distribute to a set of nodes. Completes when every
 * target node reported its outcome (or could not be reached).
 */
public final class SwarmTask {
    /** One node's outcome. {@code contentId} is set on success. */
    public record NodeOutcome(String nodeId, boolean success, String contentId, String message) {}

    private final String taskId;
    private final Set<String> targets;
    private final Map<String, NodeOutcome> outcomes = new LinkedHashMap<>();
    private final CompletableFuture<Map<String, NodeOutcome>> done = new CompletableFuture<>();
    private final CopyOnWriteArrayList<Consumer<TaskProgress>> listeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<NodeOutcome>> outcomeListeners = new CopyOnWriteArrayList<>();

    SwarmTask(String taskId, Set<String> targets) {
        this.taskId = taskId;
        this.targets = Set.copyOf(targets);
    }

    public String taskId() {
        return taskId;
    }

    public Set<String> targets() {
        return targets;
    }

    /** Completes with every target's outcome. */
    public CompletableFuture<Map<String, NodeOutcome>> outcomes() {
        return done;
    }

    /** Per-node progress as nodes report it (on the scheduler thread: keep listeners quick). */
    public void onProgress(Consumer<TaskProgress> listener) {
        listeners.add(listener);
    }

    /**
     * Called once per target node as its outcome arrives (on the scheduler thread). Outcomes
     * that arrived before the listener was added (a node can refuse or fail at once) are passed
     * to it right away, on the caller's thread.
     */
    public void onOutcome(Consumer<NodeOutcome> listener) {
        List<NodeOutcome> earlier;
        synchronized (this) {
            outcomeListeners.add(listener);
            earlier = List.copyOf(outcomes.values());
        }
        earlier.forEach(listener);
    }

    void progress(TaskProgress p) {
        for (Consumer<TaskProgress> l : listeners) l.accept(p);
    }

    synchronized void outcome(NodeOutcome o) {
        if (!targets.contains(o.nodeId()) || outcomes.containsKey(o.nodeId())) return;
        outcomes.put(o.nodeId(), o);
        for (Consumer<NodeOutcome> l : outcomeListeners) l.accept(o);
        if (outcomes.keySet().containsAll(targets)) done.complete(Collections.unmodifiableMap(new LinkedHashMap<>(outcomes)));
    }
}
