package io.darner.engine.api;

/** A node's progress on a task: verified bytes of {@code size} (-1 until known), connected parents. */
public record TaskProgress(String taskId, String nodeId, long verifiedBytes, long size, int parents) {
    public double fraction() {
        return size <= 0 ? 0 : (double) verifiedBytes / size;
    }
}
