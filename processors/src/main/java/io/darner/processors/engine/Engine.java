package io.darner.processors.engine;

import io.darner.engine.api.TaskSpec;
import io.darner.engine.supernode.SwarmTask;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/** The data plane as the control plane sees it: one supernode per room. */
public interface Engine {
    /** Rooms that have a supernode. */
    Set<String> rooms();

    /** Node ids registered now with the supernode of {@code room}. */
    Set<String> registeredNodes(String room);

    /** Hands {@code targets} (node id → target path) of one room to its supernode. */
    SwarmTask submit(String room, TaskSpec spec, Map<String, Path> targets);

    /** Tells the nodes of {@code room} working on the engine task to stop. */
    void cancel(String room, String engineTaskId, String reason);
}
