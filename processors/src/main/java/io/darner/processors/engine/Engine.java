package io.darner.processors.engine;

import io.darner.engine.api.TaskProgress;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.supernode.SwarmTask.NodeOutcome;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** The data plane as the control plane sees it: one supernode per room, in this process or reached by address. */
public interface Engine {
    /** Rooms that have a supernode. */
    Set<String> rooms();

    /** Node ids registered now with the supernode of {@code room}. */
    Set<String> registeredNodes(String room);

    /** Hands {@code targets} (node id → target path) of one room to its supernode. */
    Dispatch submit(String room, TaskSpec spec, Map<String, Path> targets);

    /** Tells the nodes of {@code room} working on the engine task to stop. */
    void cancel(String room, String engineTaskId, String reason);

    /** A task handed to one room's supernode: its progress and each target's outcome, once. */
    interface Dispatch {
        String engineTaskId();

        /** Progress reports as they come. */
        void onProgress(Consumer<TaskProgress> listener);

        /** Each target's outcome, once; outcomes that came before the listener are passed to it at once. */
        void onOutcome(Consumer<NodeOutcome> listener);
    }
}
