package io.darner.engine.rate;

import java.math.BigInteger;
import java.util.function.LongSupplier;

/**
 * A token bucket in its GCRA ("virtual scheduling") form: the bucket keeps the instant
 * {@code nextFree} at which the link has passed everything booked so far, and a reservation of
 * {@code n} bytes taking {@code d = n * 1e9 / rate} ns does
 * <pre>
 *   start    = max(nextFree, now - burstNanos, earliestNanos - d)
 *   nextFree = start + d
 *   return nextFree
 * </pre>
 * where {@code burstNanos} is the time {@code burstBytes} take at the rate: a link that has been
 * idle may pass up to {@code burstBytes} "in the past", i.e. at once. {@code earliestNanos} is a
 * floor on the returned completion instant (see {@link Pacer#reserve}); with an
 * {@code earliestNanos} in the past this is exactly {@code start = max(earliest, nextFree,
 * now - burstNanos)}.
 *
 * <p>The arithmetic is exact: {@code nextFree} is kept as whole nanoseconds plus a remainder in
 * units of {@code 1/rate} ns, so booking many small chunks ends at exactly the instant booking
 * their sum would (no drift over gigabytes). Returned instants are rounded up to the next whole
 * nanosecond; passing such an instant back as {@code earliestNanos} does not lose the fraction.
 *
 * <p>Thread-safe (methods are synchronized; the critical section is a few arithmetic operations).
 */
public final class TokenBucket implements Pacer {

    /** Highest accepted rate (1 EB/s); keeps the remainder arithmetic within a long. */
    public static final long MAX_RATE = 1_000_000_000_000_000_000L;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Cap on burstNanos (about 73 years), so {@code now - burstNanos} stays meaningful. */
    private static final long MAX_BURST_NANOS = Long.MAX_VALUE >> 3;

    private final LongSupplier nanoClock;
    private final long burstBytes;

    private long rate;
    private long burstNanos;
    /** Whole nanoseconds of nextFree; Long.MIN_VALUE until the first reservation. */
    private long nextFreeNanos = Long.MIN_VALUE;
    /** Fraction of nextFree beyond nextFreeNanos, in units of 1/rate ns: 0 <= remainder < rate. */
    private long remainder;

    /** A bucket on {@link System#nanoTime()}. */
    public TokenBucket(long bytesPerSecond, long burstBytes) {
        this(bytesPerSecond, burstBytes, System::nanoTime);
    }

    /**
     * @param bytesPerSecond the rate, in {@code 1 ..} {@link #MAX_RATE}; for no limit use
     *                       {@link Pacer#UNLIMITED}
     * @param burstBytes     how many bytes an idle link may pass at once ({@code >= 0}); use at
     *                       least the size of one written chunk, or every chunk waits for its
     *                       own transfer time
     * @param nanoClock      the clock returned instants refer to
     */
    public TokenBucket(long bytesPerSecond, long burstBytes, LongSupplier nanoClock) {
        checkRate(bytesPerSecond);
        if (burstBytes < 0) {
            throw new IllegalArgumentException("burst must be >= 0 bytes, got " + burstBytes);
        }
        if (nanoClock == null) {
            throw new NullPointerException("nanoClock");
        }
        this.nanoClock = nanoClock;
        this.burstBytes = burstBytes;
        this.rate = bytesPerSecond;
        this.burstNanos = burstNanos(burstBytes, bytesPerSecond);
    }

    @Override
    public synchronized long reserve(int bytes, long earliestNanos) {
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot reserve a negative number of bytes: " + bytes);
        }
        long scaled = bytes * NANOS_PER_SECOND; // < 2^31 * 1e9
        long durNanos = scaled / rate;
        long durRem = scaled % rate;

        // finish after everything booked so far: nextFree + d
        long finish = nextFreeNanos + durNanos;
        long rem = remainder + durRem; // < 2 * MAX_RATE < 2^63
        if (rem >= rate) {
            finish++;
            rem -= rate;
        }
        // an idle link may have started burstNanos ago: now - burstNanos + d
        long idleFinish = saturatedSubtract(nanoClock.getAsLong(), burstNanos) + durNanos;
        if (idleFinish > finish || (idleFinish == finish && durRem > rem)) {
            finish = idleFinish;
            rem = durRem;
        }
        // not before the caller's floor; a floor within the last, fractional nanosecond of the
        // exact finish (e.g. an instant this bucket returned) keeps the fraction
        long ceil = rem == 0 ? finish : finish + 1;
        if (earliestNanos > ceil) {
            finish = earliestNanos;
            rem = 0;
        }
        nextFreeNanos = finish;
        remainder = rem;
        return ceilNextFree();
    }

    /**
     * Changes the rate for bytes booked from now on; bookings already made keep their instants.
     * The burst stays {@link #burstBytes()} bytes.
     */
    public synchronized void setRate(long bytesPerSecond) {
        checkRate(bytesPerSecond);
        if (remainder != 0) { // the remainder is in units of the old rate: round up once
            nextFreeNanos++;
            remainder = 0;
        }
        rate = bytesPerSecond;
        burstNanos = burstNanos(burstBytes, bytesPerSecond);
    }

    /** The current rate, bytes per second. */
    public synchronized long rate() {
        return rate;
    }

    public long burstBytes() {
        return burstBytes;
    }

    @Override
    public synchronized String toString() {
        return "TokenBucket[" + Rate.ofBytesPerSecond(rate) + ", burst " + burstBytes + " B]";
    }

    private long ceilNextFree() {
        return remainder == 0 ? nextFreeNanos : nextFreeNanos + 1;
    }

    private static void checkRate(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("rate must be a positive number of bytes per second, got "
                    + bytesPerSecond + " (for no limit use Pacer.UNLIMITED)");
        }
        if (bytesPerSecond > MAX_RATE) {
            throw new IllegalArgumentException("rate " + bytesPerSecond + " bytes per second is above the maximum "
                    + MAX_RATE + " (for no limit use Pacer.UNLIMITED)");
        }
    }

    private static long burstNanos(long burstBytes, long rate) {
        BigInteger nanos = BigInteger.valueOf(burstBytes)
                .multiply(BigInteger.valueOf(NANOS_PER_SECOND))
                .divide(BigInteger.valueOf(rate));
        return nanos.min(BigInteger.valueOf(MAX_BURST_NANOS)).longValue();
    }

    private static long saturatedSubtract(long a, long b) {
        long r = a - b;
        // overflow iff a and b have different signs and r's sign differs from a's
        return ((a ^ b) & (a ^ r)) < 0 ? Long.MIN_VALUE : r;
    }
}
