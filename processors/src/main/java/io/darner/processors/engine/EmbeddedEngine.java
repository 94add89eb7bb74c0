package io.darner.processors.engine;

import io.darner.engine.api.TaskSpec;
import io.darner.engine.supernode.Supernode;
import io.darner.engine.supernode.SwarmTask;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/** Supernodes running in this process, by room. */
public final class EmbeddedEngine implements Engine {
    private static final long CALL_TIMEOUT_SECONDS = 10;
    private final Map<String, Supernode> byRoom;

    public EmbeddedEngine(Map<String, Supernode> byRoom) {
        this.byRoom = Map.copyOf(byRoom);
    }

    @Override
    public Set<String> rooms() {
        return new TreeSet<>(byRoom.keySet());
    }

    @Override
    public Set<String> registeredNodes(String room) {
        try {
            return Set.copyOf(supernode(room).nodeIds().get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new IllegalStateException("the supernode of room " + room + " did not answer: " + e, e);
        }
    }

    @Override
    public Dispatch submit(String room, TaskSpec spec, Map<String, Path> targets) {
        try {
            SwarmTask t = supernode(room).submit(spec, targets).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new Dispatch() {
                @Override public String engineTaskId() { return t.taskId(); }
                @Override public void onProgress(java.util.function.Consumer<io.darner.engine.api.TaskProgress> l) { t.onProgress(l); }
                @Override public void onOutcome(java.util.function.Consumer<SwarmTask.NodeOutcome> l) { t.onOutcome(l); }
            };
        } catch (Exception e) {
            throw new IllegalStateException("the supernode of room " + room + " did not take the task: " + e, e);
        }
    }

    @Override
    public void cancel(String room, String engineTaskId, String reason) {
        Supernode s = byRoom.get(room);
        if (s != null) s.cancel(engineTaskId, reason);
    }

    private Supernode supernode(String room) {
        Supernode s = byRoom.get(room);
        if (s == null) throw new IllegalStateException("no supernode serves room " + room);
        return s;
    }
}
