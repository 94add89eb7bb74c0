package io.darner.it.support;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a bound: checks it every {@link #POLL}, and fails naming what it
 * waited for when the bound passes. The only way these tests wait; there are no fixed sleeps.
 */
public final class Await {
    public static final Duration POLL = Duration.ofMillis(50);

    private Await() {
    }

    /** Returns once {@code condition} holds; throws {@link AssertionError} after {@code timeout}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        value(what, timeout, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    /** Returns the first non-null value of {@code probe}; throws {@link AssertionError} after {@code timeout}. */
    public static <T> T value(String what, Duration timeout, Supplier<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                T v = probe.get();
                if (v != null) return v;
            } catch (RuntimeException e) {
                last = e; // e.g. a daemon not listening yet: try again until the bound
            }
            if (System.nanoTime() - deadline > 0) {
                AssertionError e = new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
                if (last != null) e.initCause(last);
                throw e;
            }
            LockSupport.parkNanos(POLL.toNanos());
            if (Thread.interrupted()) throw new IllegalStateException("interrupted while waiting for " + what);
        }
    }
}
