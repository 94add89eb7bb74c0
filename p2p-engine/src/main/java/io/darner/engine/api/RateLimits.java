package io.darner.engine.api;

/**
 * Download limits a task carries to every node, stacked on the node's own cap: the task's cap
 * ({@code taskBytesPerSecond}), and a cap shared by every task of the same {@code group} on
 * that node (e.g. a tenant: its concurrent tasks share {@code groupBytesPerSecond}). 0: none.
 */
public record RateLimits(long taskBytesPerSecond, String group, long groupBytesPerSecond) {
    public static final RateLimits NONE = new RateLimits(0, "", 0);

    public RateLimits {
        if (taskBytesPerSecond < 0) throw new IllegalArgumentException("task rate must be >= 0 bytes per second, got " + taskBytesPerSecond);
        if (groupBytesPerSecond < 0) throw new IllegalArgumentException("group rate must be >= 0 bytes per second, got " + groupBytesPerSecond);
        if (group == null) group = "";
        if (groupBytesPerSecond > 0 && group.isEmpty()) throw new IllegalArgumentException("a group rate needs a group name");
    }

    public static RateLimits task(long bytesPerSecond) {
        return new RateLimits(bytesPerSecond, "", 0);
    }

    public boolean isNone() {
        return taskBytesPerSecond == 0 && groupBytesPerSecond == 0;
    }
}
