package io.darner.processors.lifecycle;

/** What the engine reported for one node of a task: progress, or its outcome. */
public record TrackEvent(String taskId, String nodeId, boolean outcome, boolean success, String contentId, String message) {
    public static TrackEvent progress(String taskId, String nodeId) {
        return new TrackEvent(taskId, nodeId, false, false, null, null);
    }
}
