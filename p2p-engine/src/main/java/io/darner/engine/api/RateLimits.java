package io.darner.engine.api;

/**
 * The limits a task carries, stacked on the caps of the machines its bytes cross. 0: none.
 * <ul>
 *   <li>{@code taskBytesPerSecond}: the task's download rate on each node;</li>
 *   <li>{@code groupBytesPerSecond}: a download rate on each node shared by every task of the
 *       same {@code group} (e.g. a tenant: its concurrent tasks share the cap);</li>
 *   <li>{@code originBytesPerSecond}: the rate at which the supernode's seed uploads pieces of
 *       the group's tasks (origin egress), shared by the group's tasks on that supernode.</li>
 * </ul>
 */
public record RateLimits(long taskBytesPerSecond, String group, long groupBytesPerSecond, long originBytesPerSecond) {
    public static final RateLimits NONE = new RateLimits(0, "", 0, 0);

    public RateLimits {
        if (taskBytesPerSecond < 0) throw new IllegalArgumentException("task rate must be >= 0 bytes per second, got " + taskBytesPerSecond);
        if (groupBytesPerSecond < 0) throw new IllegalArgumentException("group rate must be >= 0 bytes per second, got " + groupBytesPerSecond);
        if (originBytesPerSecond < 0) throw new IllegalArgumentException("origin rate must be >= 0 bytes per second, got " + originBytesPerSecond);
        if (group == null) group = "";
        if ((groupBytesPerSecond > 0 || originBytesPerSecond > 0) && group.isEmpty()) throw new IllegalArgumentException("a group rate needs a group name");
    }

    /** Download limits on the nodes only. */
    public RateLimits(long taskBytesPerSecond, String group, long groupBytesPerSecond) {
        this(taskBytesPerSecond, group, groupBytesPerSecond, 0);
    }

    public static RateLimits task(long bytesPerSecond) {
        return new RateLimits(bytesPerSecond, "", 0, 0);
    }

    /** What the nodes enforce (the origin cap is the supernode's). */
    public RateLimits onNodes() {
        return originBytesPerSecond == 0 ? this : new RateLimits(taskBytesPerSecond, group, groupBytesPerSecond, 0);
    }

    public boolean isNone() {
        return taskBytesPerSecond == 0 && groupBytesPerSecond == 0 && originBytesPerSecond == 0;
    }
}
