package io.darner.processors.engine;

import io.darner.engine.api.TaskSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Several engines as one, each call going to the engine that serves the room (the first, if two do). */
public final class RoomEngines implements Engine {
    private final List<Engine> parts;

    public RoomEngines(List<Engine> parts) {
        this.parts = List.copyOf(parts);
    }

    @Override
    public Set<String> rooms() {
        Set<String> all = new TreeSet<>();
        for (Engine e : parts) all.addAll(e.rooms());
        return all;
    }

    @Override
    public Set<String> registeredNodes(String room) {
        return of(room).registeredNodes(room);
    }

    @Override
    public Dispatch submit(String room, TaskSpec spec, Map<String, Path> targets) {
        return of(room).submit(room, spec, targets);
    }

    @Override
    public void cancel(String room, String engineTaskId, String reason) {
        of(room).cancel(room, engineTaskId, reason);
    }

    private Engine of(String room) {
        for (Engine e : parts) if (e.rooms().contains(room)) return e;
        throw new IllegalStateException("no supernode serves room " + room);
    }
}
