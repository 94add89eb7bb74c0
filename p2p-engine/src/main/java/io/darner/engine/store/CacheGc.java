package io.darner.engine.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The piece store's garbage collector (see {@link CachePolicy}). One {@link #collect()} drops
 * expired entries, then, when the disk is above the high watermark, the least recently used
 * entries until it is at the low watermark. Entries are whole contents ({@code content/ID}) and
 * leftover partial downloads ({@code partial/TASK}); those in use are never touched, so the disk
 * may stay above the high watermark when everything on it is in use.
 */
public final class CacheGc {
    private static final Logger log = LoggerFactory.getLogger(CacheGc.class);

    /** The disk the store lives on (a seam for tests, which give a disk of a chosen size). */
    public interface Disk {
        long totalBytes() throws IOException;

        long usableBytes() throws IOException;

        static Disk of(Path path) throws IOException {
            FileStore fs = Files.getFileStore(path);
            return new Disk() {
                @Override
                public long totalBytes() throws IOException {
                    return fs.getTotalSpace();
                }

                @Override
                public long usableBytes() throws IOException {
                    return fs.getUsableSpace();
                }
            };
        }
    }

    /** What one collection dropped; {@code usedBefore} and {@code usedAfter} are fractions of the disk. */
    public record Report(List<String> evicted, long freedBytes, double usedBefore, double usedAfter) {}

    private final PieceStore store;
    private final CachePolicy policy;
    private final Disk disk;
    private final java.util.concurrent.atomic.AtomicLong freedTotal = new java.util.concurrent.atomic.AtomicLong();

    public CacheGc(PieceStore store, CachePolicy policy, Disk disk) {
        this.store = store;
        this.policy = policy;
        this.disk = disk;
    }

    public CachePolicy policy() {
        return policy;
    }

    /** Bytes dropped by every collection so far. */
    public long freedBytes() {
        return freedTotal.get();
    }

    public synchronized Report collect() throws IOException {
        Instant now = store.clock().instant();
        long total = disk.totalBytes();
        long used = total - disk.usableBytes();
        double before = total > 0 ? (double) used / total : 0;
        List<PieceStore.Entry> candidates = new ArrayList<>();
        for (PieceStore.Entry e : store.entries()) {
            if (!store.inUse(e.name(), now)) candidates.add(e);
        }
        candidates.sort(Comparator.comparing(PieceStore.Entry::lastUsed));
        List<String> evicted = new ArrayList<>();
        long freed = 0;
        Instant expiry = now.minus(policy.ttl());
        long high = (long) (policy.highWatermark() * total);
        long low = (long) (policy.lowWatermark() * total);
        boolean pressure = used > high;
        for (PieceStore.Entry e : candidates) {
            boolean expired = e.lastUsed().isBefore(expiry);
            // an entry a target links to frees nothing: it stays until it expires
            boolean needed = pressure && e.bytes() > 0 && used - freed > low;
            if (!expired && !needed) continue;
            if (store.evict(e.name(), now)) {
                evicted.add(e.name());
                freed += e.bytes();
                log.info("piece store {}: dropped {} ({} bytes, last used {}): {}", store.root(), e.name(), e.bytes(), e.lastUsed(),
                        expired ? "unused for longer than " + policy.ttl() : "disk above " + CachePolicy.percent(policy.highWatermark()));
            }
        }
        freedTotal.addAndGet(freed);
        double after = total > 0 ? (double) (used - freed) / total : 0;
        if (used - freed > high) {
            log.warn("piece store {}: disk still {} full (high watermark {}): the rest is in use", store.root(),
                    CachePolicy.percent(after), CachePolicy.percent(policy.highWatermark()));
        }
        return new Report(evicted, freed, before, after);
    }
}
