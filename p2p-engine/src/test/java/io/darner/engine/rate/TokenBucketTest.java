package io.darner.engine.rate;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBucketTest {

    private static final long T0 = 5_000_000_000L;
    private static final long SECOND = 1_000_000_000L;
    private static final int CHUNK = 64 * 1024;

    private final AtomicLong clock = new AtomicLong(T0);

    @Test
    void tenMegabytesThroughOneMegabytePerSecondTakeTenSeconds() {
        TokenBucket bucket = new TokenBucket(1_000_000, CHUNK, clock::get);

        long done = Long.MIN_VALUE;
        long first = 0;
        for (long left = 10_000_000; left > 0; left -= CHUNK) {
            done = bucket.reserve((int) Math.min(left, CHUNK), done);
            if (first == 0) {
                first = done;
            }
        }

        assertThat(first).as("the first chunk rides the burst").isEqualTo(T0);
        long chunkNanos = CHUNK * SECOND / 1_000_000;
        assertThat(done).isBetween(T0 + 10 * SECOND - chunkNanos, T0 + 10 * SECOND);
        assertThat(done).as("exact: the burst is one chunk").isEqualTo(T0 + 10 * SECOND - chunkNanos);
    }

    @Test
    void manySmallReservationsDoNotDrift() {
        long rate = 7_000_003; // 1e9 / rate is far from whole nanoseconds
        TokenBucket bucket = new TokenBucket(rate, 0, clock::get);

        long done = Long.MIN_VALUE;
        for (int i = 0; i < 1_000_000; i++) {
            done = bucket.reserve(1000, done);
        }

        BigInteger[] qr = BigInteger.valueOf(1_000_000_000L).multiply(BigInteger.valueOf(SECOND))
                .divideAndRemainder(BigInteger.valueOf(rate));
        long expected = T0 + qr[0].longValueExact() + (qr[1].signum() > 0 ? 1 : 0);
        assertThat(done).isEqualTo(expected);
    }

    @Test
    void reservationsShorterThanANanosecondAddUp() {
        TokenBucket bucket = new TokenBucket(3_000_000_000L, 0, clock::get); // 1 byte = 1/3 ns

        long done = Long.MIN_VALUE;
        for (int i = 0; i < 3000; i++) {
            done = bucket.reserve(1, done);
        }
        assertThat(done).isEqualTo(T0 + 1000);
        assertThat(bucket.reserve(0, done)).isEqualTo(done);
    }

    @Test
    void anIdleStartAFractionOfANanosecondLaterCounts() {
        TokenBucket bucket = new TokenBucket(3, 0, clock::get); // 1 byte = 333333333 1/3 ns

        assertThat(bucket.reserve(2, Long.MIN_VALUE)).isEqualTo(T0 + 666_666_667); // exactly ...666 2/3
        clock.set(T0 + 666_666_667); // idle from 1/3 ns after the link was free
        // from the queue: ...666 2/3 + 333333333 1/3 = T0 + 1e9; from now: T0 + 1e9 + 1/3
        assertThat(bucket.reserve(1, Long.MIN_VALUE)).isEqualTo(T0 + 1_000_000_001);
    }

    /** Random bookings against an exact model in rational nanoseconds (units of 1/rate ns). */
    @Test
    void matchesAnExactModel() {
        java.util.Random random = new java.util.Random(20251126);
        for (long rate : new long[]{3, 7, 1000, 65_537, 7_000_003, 3_000_000_000L}) {
            long burst = random.nextInt(3 * 65536);
            clock.set(T0);
            TokenBucket bucket = new TokenBucket(rate, burst, clock::get);
            BigInteger r = BigInteger.valueOf(rate);
            BigInteger burstNanos = BigInteger.valueOf(burst).multiply(BigInteger.valueOf(SECOND)).divide(r);
            BigInteger nextFree = null; // exact, scaled by rate
            long previous = Long.MIN_VALUE;
            for (int i = 0; i < 20_000; i++) {
                clock.addAndGet(random.nextInt(4) == 0 ? random.nextInt(2_000_000) : 0);
                int bytes = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(70_000);
                long earliest = switch (random.nextInt(4)) {
                    case 0 -> Long.MIN_VALUE;
                    case 1 -> clock.get();
                    case 2 -> previous;
                    default -> clock.get() + random.nextInt(1_000_000);
                };
                if (random.nextInt(500) == 0) { // the model: setRate rounds nextFree up to a whole ns
                    long newRate = 1 + random.nextInt(10_000_000);
                    bucket.setRate(newRate);
                    if (nextFree != null) {
                        nextFree = ceilDiv(nextFree, r).multiply(BigInteger.valueOf(newRate));
                    }
                    r = BigInteger.valueOf(newRate);
                    burstNanos = BigInteger.valueOf(burst).multiply(BigInteger.valueOf(SECOND)).divide(r);
                }
                BigInteger d = BigInteger.valueOf(bytes).multiply(BigInteger.valueOf(SECOND));
                BigInteger finish = BigInteger.valueOf(clock.get()).subtract(burstNanos).multiply(r).add(d);
                if (nextFree != null) {
                    finish = finish.max(nextFree.add(d));
                }
                BigInteger floor = BigInteger.valueOf(earliest);
                if (floor.compareTo(ceilDiv(finish, r)) > 0) {
                    finish = floor.multiply(r);
                }
                nextFree = finish;

                long got = bucket.reserve(bytes, earliest);
                assertThat(got).as("rate %d, step %d", rate, i).isEqualTo(ceilDiv(finish, r).longValueExact());
                assertThat(got).isGreaterThanOrEqualTo(earliest).isGreaterThanOrEqualTo(previous);
                previous = got;
            }
        }
    }

    private static BigInteger ceilDiv(BigInteger a, BigInteger b) {
        BigInteger[] qr = a.divideAndRemainder(b);
        return qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
    }

    @Test
    void reservationsAreFifo() {
        TokenBucket bucket = new TokenBucket(1_000_000, 0, clock::get);

        long a = bucket.reserve(1000, T0 + SECOND);
        long b = bucket.reserve(10, Long.MIN_VALUE);
        long c = bucket.reserve(0, Long.MIN_VALUE);
        long d = bucket.reserve(500, T0);

        assertThat(a).isEqualTo(T0 + SECOND);
        assertThat(b).isEqualTo(a + 10_000);
        assertThat(c).isEqualTo(b);
        assertThat(d).isEqualTo(c + 500_000);
    }

    @Test
    void earliestIsAFloorOnTheCompletionInstant() {
        TokenBucket bucket = new TokenBucket(1_000_000, 10 * CHUNK, clock::get);

        assertThat(bucket.reserve(1000, T0 + 3 * SECOND)).isEqualTo(T0 + 3 * SECOND);
        assertThat(bucket.reserve(0, T0 + 5 * SECOND)).isEqualTo(T0 + 5 * SECOND);
        assertThat(bucket.reserve(1000, Long.MIN_VALUE)).as("after the floor").isEqualTo(T0 + 5 * SECOND + 1_000_000);
        assertThat(bucket.reserve(1000, T0)).as("a floor in the past changes nothing")
                .isEqualTo(T0 + 5 * SECOND + 2_000_000);
    }

    @Test
    void aCallerPassingNowGetsTheBurstForOneReservation() {
        TokenBucket bucket = new TokenBucket(1_000_000, 4 * CHUNK, clock::get);
        long chunkNanos = CHUNK * SECOND / 1_000_000;
        long now = clock.get();

        assertThat(bucket.reserve(CHUNK, now)).isEqualTo(now);
        assertThat(bucket.reserve(CHUNK, now)).isEqualTo(now + chunkNanos);

        TokenBucket chained = new TokenBucket(1_000_000, 4 * CHUNK, clock::get);
        long done = Long.MIN_VALUE;
        for (int i = 0; i < 4; i++) {
            done = chained.reserve(CHUNK, done);
            assertThat(done).as("chained from the previous instant: the whole burst").isLessThanOrEqualTo(now);
        }
        assertThat(chained.reserve(CHUNK, done)).isEqualTo(now + chunkNanos);
    }

    @Test
    void burstIsHonouredAfterIdleButDoesNotAccumulate() {
        TokenBucket bucket = new TokenBucket(1_000_000, CHUNK, clock::get);
        long chunkNanos = CHUNK * SECOND / 1_000_000;

        long done = Long.MIN_VALUE;
        for (int i = 0; i < 16; i++) {
            done = bucket.reserve(CHUNK, done);
        }
        assertThat(done).isEqualTo(T0 + 15 * chunkNanos);

        clock.set(T0 + 60 * SECOND); // a long idle period
        long now = clock.get();
        long first = bucket.reserve(CHUNK, Long.MIN_VALUE);
        long second = bucket.reserve(CHUNK, first);
        assertThat(first).as("one burst passes at once").isEqualTo(now);
        assertThat(second).as("but only one").isEqualTo(now + chunkNanos);
    }

    @Test
    void withoutBurstEveryReservationTakesItsTime() {
        TokenBucket bucket = new TokenBucket(1_000_000, 0, clock::get);

        assertThat(bucket.reserve(1000, Long.MIN_VALUE)).isEqualTo(T0 + 1_000_000);
    }

    @Test
    void setRateAppliesToLaterReservations() {
        TokenBucket bucket = new TokenBucket(1_000_000, 0, clock::get);

        long first = bucket.reserve(1_000_000, Long.MIN_VALUE);
        bucket.setRate(2_000_000);
        long second = bucket.reserve(1_000_000, first);
        bucket.setRate(3);
        long third = bucket.reserve(1, second); // 333333333.3 ns, rounded up

        assertThat(first).isEqualTo(T0 + SECOND);
        assertThat(second).isEqualTo(T0 + SECOND + SECOND / 2);
        assertThat(third).isEqualTo(second + 333_333_334);
        assertThat(bucket.rate()).isEqualTo(3);
    }

    @Test
    void setRateRescalesTheBurst() {
        TokenBucket bucket = new TokenBucket(1_000_000, 1_000_000, clock::get);
        bucket.setRate(500_000);
        clock.addAndGet(10 * SECOND);

        // burst 1 MB at 0.5 MB/s = 2 s in the past
        assertThat(bucket.reserve(1_000_000, Long.MIN_VALUE)).isEqualTo(clock.get());
        assertThat(bucket.reserve(500_000, Long.MIN_VALUE)).isEqualTo(clock.get() + SECOND);
    }

    @Test
    void concurrentReservationsBookEveryByteOnce() throws Exception {
        TokenBucket bucket = new TokenBucket(1_000_000, 0, clock::get);
        int threads = 4;
        int perThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<long[]>> jobs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                jobs.add(() -> {
                    long[] instants = new long[perThread];
                    long previous = Long.MIN_VALUE;
                    for (int i = 0; i < perThread; i++) {
                        previous = bucket.reserve(100, Long.MIN_VALUE);
                        instants[i] = previous;
                    }
                    return instants;
                });
            }
            long max = Long.MIN_VALUE;
            for (Future<long[]> f : pool.invokeAll(jobs)) {
                long[] instants = f.get();
                for (int i = 1; i < instants.length; i++) {
                    assertThat(instants[i]).isGreaterThan(instants[i - 1]);
                }
                max = Math.max(max, instants[instants.length - 1]);
            }
            // 4 * 20000 * 100 B = 8 MB at 1 MB/s
            assertThat(max).isEqualTo(T0 + 8 * SECOND);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rejectsInvalidArguments() {
        assertThatThrownBy(() -> new TokenBucket(0, 0, clock::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0")
                .hasMessageContaining("Pacer.UNLIMITED");
        assertThatThrownBy(() -> new TokenBucket(-5, 0, clock::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-5");
        assertThatThrownBy(() -> new TokenBucket(Long.MAX_VALUE, 0, clock::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(Long.MAX_VALUE));
        assertThatThrownBy(() -> new TokenBucket(1000, -1, clock::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");

        TokenBucket bucket = new TokenBucket(1000, 0, clock::get);
        assertThatThrownBy(() -> bucket.setRate(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0");
        assertThatThrownBy(() -> bucket.reserve(-1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThat(bucket.rate()).isEqualTo(1000);
    }

    @Test
    void hugeBurstAndExtremeClockDoNotOverflow() {
        clock.set(-5 * SECOND); // System.nanoTime() may be negative
        TokenBucket bucket = new TokenBucket(1, Long.MAX_VALUE, clock::get);

        assertThat(bucket.reserve(1, Long.MIN_VALUE)).isLessThanOrEqualTo(clock.get());
    }

    @Test
    void unlimitedReturnsEarliest() {
        assertThat(Pacer.UNLIMITED.reserve(1 << 30, 42)).isEqualTo(42);
        assertThat(Pacer.UNLIMITED.reserve(0, Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
    }
}
