package io.darner.engine.rate;

/**
 * A link with a limited rate on which bytes are booked before they are sent.
 *
 * <p>All instants are on the {@link System#nanoTime()} scale (or on the scale of the clock the
 * implementation was built with; pacers that are combined, and the {@link ThrottleHandler} that
 * uses them, must share one clock).
 *
 * <p>Reservations are FIFO: on one pacer a later call never gets an instant before the instant
 * an earlier call got ({@link #UNLIMITED} keeps no state: it only honours each caller's
 * {@code earliestNanos}, which is what keeps a caller's own order). Implementations are
 * thread-safe: one pacer is typically shared by the channels of several event loops.
 */
public interface Pacer {

    /**
     * Books {@code bytes} on this link.
     *
     * @param bytes         how many bytes will pass (0 books nothing but still honours the order)
     * @param earliestNanos a floor on the returned instant: the bytes are not done before it.
     *                      Pass the instant the caller's previous bytes were done (or
     *                      {@link Long#MIN_VALUE}) to keep the caller's own order and let an
     *                      idle link use its whole burst; passing {@code now} also works, but
     *                      then an idle link's burst only covers this one reservation
     * @return the instant at which these bytes have finished passing; never before
     *         {@code earliestNanos}, nor (but for {@link #UNLIMITED}) before an instant this
     *         pacer returned earlier
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    long reserve(int bytes, long earliestNanos);

    /** No limit: every reservation completes at {@code earliestNanos}. */
    Pacer UNLIMITED = new Pacer() {
        @Override
        public long reserve(int bytes, long earliestNanos) {
            if (bytes < 0) {
                throw new IllegalArgumentException("cannot reserve a negative number of bytes: " + bytes);
            }
            return earliestNanos;
        }

        @Override
        public String toString() {
            return "Pacer.UNLIMITED";
        }
    };
}
