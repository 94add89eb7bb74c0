package io.darner.engine.rate;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PacersTest {

    private static final long T0 = 1_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(T0);

    @Test
    void theSlowerLevelGoverns() {
        TokenBucket node = new TokenBucket(10_000_000, 0, clock::get);
        TokenBucket task = new TokenBucket(1_000_000, 0, clock::get);
        Pacer stacked = Pacers.stack(node, task);

        long first = stacked.reserve(1_000_000, Long.MIN_VALUE);
        long second = stacked.reserve(1_000_000, first);

        assertThat(first).isEqualTo(T0 + SECOND);
        assertThat(second).isEqualTo(T0 + 2 * SECOND);
    }

    @Test
    void orderOfLevelsDoesNotMatter() {
        TokenBucket node = new TokenBucket(10_000_000, 0, clock::get);
        TokenBucket task = new TokenBucket(1_000_000, 0, clock::get);

        assertThat(Pacers.stack(task, node).reserve(500_000, Long.MIN_VALUE)).isEqualTo(T0 + SECOND / 2);
    }

    @Test
    void aSharedLevelThrottlesEveryStackItIsIn() {
        TokenBucket node = new TokenBucket(1_000_000, 0, clock::get); // the node's upload cap
        Pacer taskA = Pacers.stack(node, new TokenBucket(10_000_000, 0, clock::get));
        Pacer taskB = Pacers.stack(node, new TokenBucket(10_000_000, 0, clock::get));

        long a = taskA.reserve(1_000_000, Long.MIN_VALUE);
        long b = taskB.reserve(1_000_000, Long.MIN_VALUE);

        assertThat(a).isEqualTo(T0 + SECOND);
        assertThat(b).as("the node cap is shared").isEqualTo(T0 + 2 * SECOND);
    }

    @Test
    void aRateChangeOnALevelCanMakeItGovern() {
        TokenBucket node = new TokenBucket(1_000_000, 0, clock::get);
        TokenBucket task = new TokenBucket(2_000_000, 0, clock::get);
        Pacer stacked = Pacers.stack(node, task);

        long first = stacked.reserve(1_000_000, Long.MIN_VALUE);
        task.setRate(250_000);
        long second = stacked.reserve(1_000_000, first);

        assertThat(first).isEqualTo(T0 + SECOND);
        // the task level had passed its first MB at T0 + 0.5 s; the second needs 4 s at its new rate
        assertThat(second).isEqualTo(T0 + SECOND / 2 + 4 * SECOND);
    }

    @Test
    void stackIsFifo() {
        Pacer stacked = Pacers.stack(new TokenBucket(3_000_000, 1000, clock::get),
                new TokenBucket(7_000_001, 5000, clock::get));
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < 1000; i++) {
            long done = stacked.reserve(i % 7 * 100, Long.MIN_VALUE);
            assertThat(done).isGreaterThanOrEqualTo(previous);
            previous = done;
        }
    }

    @Test
    void unlimitedLevelsAreSkipped() {
        TokenBucket bucket = new TokenBucket(1000, 0, clock::get);

        assertThat(Pacers.stack()).isSameAs(Pacer.UNLIMITED);
        assertThat(Pacers.stack(Pacer.UNLIMITED, Pacer.UNLIMITED)).isSameAs(Pacer.UNLIMITED);
        assertThat(Pacers.stack(Pacer.UNLIMITED, bucket, Pacer.UNLIMITED)).isSameAs(bucket);
        assertThat(Pacers.stack(bucket, Pacer.UNLIMITED, bucket).toString()).startsWith("Pacers.stack[");
    }

    @Test
    void nullLevelsAreRejected() {
        assertThatThrownBy(() -> Pacers.stack(Pacer.UNLIMITED, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("level 1");
    }
}
