package io.darner.engine.store;

import io.darner.engine.manifest.Manifest;
import io.darner.engine.manifest.PieceSizing;
import io.darner.engine.manifest.Sha256;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The piece store's cache GC, on a real store, with a clock the test moves and a disk of a chosen size. */
class CacheGcTest {
    private static final int PIECE = PieceSizing.MIN_PIECE;
    /** Each test content: 4 pieces of 16 KiB. */
    private static final int CONTENT = 4 * PIECE;
    private static final CachePolicy POLICY = new CachePolicy(0.80, 0.50, Duration.ofHours(24));

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
    private PieceStore store;
    /** A disk of 10 contents, nothing on it but the store. */
    private Disk disk;

    @BeforeEach
    void open() throws IOException {
        store = PieceStore.open(dir.resolve("store"), clock);
        disk = new Disk(dir.resolve("store"), 10L * CONTENT);
    }

    @Test
    void content_unused_for_the_ttl_is_dropped_and_recent_content_kept() throws Exception {
        String old = complete(1).manifest().contentId();
        clock.advance(Duration.ofHours(20));
        String recent = complete(2).manifest().contentId();
        clock.advance(Duration.ofHours(5));

        CacheGc.Report r = new CacheGc(store, POLICY, disk).collect();

        assertThat(r.evicted()).containsExactly(PieceStore.contentEntry(old));
        assertThat(store.contentIds()).containsExactly(recent);
    }

    @Test
    void above_the_high_watermark_the_least_recently_used_go_until_the_low_watermark() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            ids.add(complete(i).manifest().contentId());
            clock.advance(Duration.ofMinutes(1));
        }
        store.touch(PieceStore.contentEntry(ids.get(0))); // used again: now the most recent
        assertThat(disk.usedFraction()).isGreaterThan(0.80);

        CacheGc.Report r = new CacheGc(store, POLICY, disk).collect();

        assertThat(disk.usedFraction()).isLessThanOrEqualTo(0.50);
        assertThat(r.usedBefore()).isGreaterThan(0.80);
        assertThat(r.usedAfter()).isLessThanOrEqualTo(0.50);
        assertThat(r.evicted()).startsWith(PieceStore.contentEntry(ids.get(1)), PieceStore.contentEntry(ids.get(2)));
        assertThat(store.contentIds()).contains(ids.get(0), ids.get(8)).doesNotContain(ids.get(1));
    }

    @Test
    void below_the_high_watermark_nothing_recent_is_dropped() throws Exception {
        for (int i = 0; i < 7; i++) complete(i);
        assertThat(new CacheGc(store, POLICY, disk).collect().evicted()).isEmpty();
        assertThat(store.contentIds()).hasSize(7);
    }

    @Test
    void content_in_use_is_never_dropped_even_when_oldest_and_the_disk_is_full() throws Exception {
        StoredContent pinned = complete(0);
        String pinnedId = pinned.manifest().contentId();
        PieceStore.Pin pin = store.pin(PieceStore.contentEntry(pinnedId));
        StoredContent partial = store.openPartial("running-task", CONTENT, PIECE);
        PieceStore.Pin taskPin = store.pin(PieceStore.partialEntry("running-task"));
        for (int i = 1; i < 9; i++) complete(i);
        clock.advance(Duration.ofDays(3));

        CacheGc.Report r = new CacheGc(store, POLICY, disk).collect();

        assertThat(r.evicted()).doesNotContain(PieceStore.contentEntry(pinnedId), PieceStore.partialEntry("running-task")).hasSize(8);
        assertThat(store.contentIds()).containsExactly(pinnedId);
        assertThat(pinned.readPiece(0).remaining()).isEqualTo(PIECE);

        pin.close();
        taskPin.close(); // releasing a pin counts as a use: the TTL starts again
        assertThat(new CacheGc(store, POLICY, disk).collect().evicted()).isEmpty();
        clock.advance(Duration.ofHours(25));
        assertThat(new CacheGc(store, POLICY, disk).collect().evicted())
                .containsExactlyInAnyOrder(PieceStore.contentEntry(pinnedId), PieceStore.partialEntry("running-task"));
        partial.close();
    }

    @Test
    void content_being_served_is_kept_and_dropped_once_serving_stopped_for_the_ttl() throws Exception {
        StoredContent served = complete(0);
        String id = served.manifest().contentId();
        clock.advance(Duration.ofHours(30));
        served.region(0, 0, 10).release(); // a peer is downloading it right now
        List<StoredContent> dropped = new ArrayList<>();
        store.onEvict(dropped::add);

        assertThat(new CacheGc(store, POLICY, disk).collect().evicted()).isEmpty();

        clock.advance(CachePolicy.SERVING_GRACE.plusHours(24).plusSeconds(1));
        assertThat(new CacheGc(store, POLICY, disk).collect().evicted()).containsExactly(PieceStore.contentEntry(id));
        assertThat(dropped).containsExactly(served);
        assertThat(dir.resolve("store").resolve(PieceStore.contentEntry(id))).doesNotExist();
        assertThatThrownBy(() -> served.readPiece(0)).isInstanceOf(IOException.class);
    }

    @Test
    void leftover_partial_downloads_expire_too() throws Exception {
        store.openPartial("crashed-task", CONTENT, PIECE).close();
        clock.advance(Duration.ofHours(25));
        store.touch(PieceStore.partialEntry("crashed-task")); // touch sets the use to now: nothing expired
        assertThat(new CacheGc(store, POLICY, disk).collect().evicted()).isEmpty();
        clock.advance(Duration.ofHours(25));
        assertThat(new CacheGc(store, POLICY, disk).collect().evicted()).containsExactly(PieceStore.partialEntry("crashed-task"));
    }

    @Test
    void the_policy_refuses_watermarks_out_of_order_naming_them() {
        assertThatThrownBy(() -> new CachePolicy(0.7, 0.8, Duration.ofHours(1))).hasMessageContaining("low watermark").hasMessageContaining("70.0%");
        assertThatThrownBy(() -> new CachePolicy(1.5, 0.8, Duration.ofHours(1))).hasMessageContaining("high watermark");
        assertThatThrownBy(() -> new CachePolicy(0.9, 0.8, Duration.ZERO)).hasMessageContaining("TTL");
    }

    /** A complete content of 4 random pieces, its use recorded at the clock's now. */
    private StoredContent complete(int seed) throws IOException {
        byte[] data = new byte[CONTENT];
        new Random(seed).nextBytes(data);
        StoredContent c = store.openPartial("task-" + seed, data.length, PIECE);
        byte[] hashes = new byte[4 * Sha256.LENGTH];
        for (int i = 0; i < 4; i++) {
            ByteBuffer piece = ByteBuffer.wrap(data, i * PIECE, PIECE);
            System.arraycopy(Sha256.of(piece.duplicate()), 0, hashes, i * Sha256.LENGTH, Sha256.LENGTH);
            c.writePiece(i, piece);
        }
        return store.complete(c, new Manifest(data.length, PIECE, hashes, Sha256.hex(Sha256.of(data))));
    }

    /** A disk of {@code total} bytes holding only the store's files (their real sizes). */
    private record Disk(Path root, long total) implements CacheGc.Disk {
        @Override
        public long totalBytes() {
            return total;
        }

        @Override
        public long usableBytes() {
            return total - used();
        }

        long used() {
            try (Stream<Path> files = Files.walk(root)) {
                return files.filter(Files::isRegularFile).mapToLong(p -> {
                    try {
                        return Files.size(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).sum();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        double usedFraction() {
            return (double) used() / total;
        }
    }

    private static final class TestClock extends Clock {
        private Instant now;

        TestClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
