package io.darner.engine.api;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A task running on one node. */
public interface TaskHandle {
    String taskId();

    /** Completes when the task ends on this node, successfully or not (never exceptionally). */
    CompletableFuture<TaskResult> result();

    /** Progress events, at most a few per second, on an engine thread: keep listeners quick. */
    void onProgress(Consumer<TaskProgress> listener);

    /** Stops the task on this node; its result reports the reason. Pieces already verified stay in the store. */
    void cancel(String reason);
}
