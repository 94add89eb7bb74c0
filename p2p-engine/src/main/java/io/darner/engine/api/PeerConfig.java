package io.darner.engine.api;

import io.darner.engine.store.CachePolicy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A node: its id and room, where its piece store lives, the address it serves pieces on
 * (its host is also the address peers are told and the one it connects from), the
 * supernodes of its room, the cluster secret, and its upload/download caps (0 = none) in bytes/s;
 * how long a task waits for a supernode before it reads the source itself (null: never), and how
 * the piece store's cache is kept (null: never collected).
 */
public record PeerConfig(String nodeId, String room, Path dataDir, InetSocketAddress listen,
                         List<InetSocketAddress> supernodes, byte[] secret,
                         long uploadBytesPerSecond, long downloadBytesPerSecond,
                         long advertisedUploadBytesPerSecond, Tuning tuning, Duration sourceFallbackAfter, CachePolicy cache) {

    /** How long a task waits for a supernode before the node fetches straight from the source. */
    public static final Duration DEFAULT_SOURCE_FALLBACK_AFTER = Duration.ofSeconds(5);

    /** A node whose piece store is never garbage-collected. */
    public PeerConfig(String nodeId, String room, Path dataDir, InetSocketAddress listen,
                      List<InetSocketAddress> supernodes, byte[] secret,
                      long uploadBytesPerSecond, long downloadBytesPerSecond,
                      long advertisedUploadBytesPerSecond, Tuning tuning, Duration sourceFallbackAfter) {
        this(nodeId, room, dataDir, listen, supernodes, secret, uploadBytesPerSecond, downloadBytesPerSecond,
                advertisedUploadBytesPerSecond, tuning, sourceFallbackAfter, null);
    }

    /** A node that falls back to the source after {@link #DEFAULT_SOURCE_FALLBACK_AFTER}. */
    public PeerConfig(String nodeId, String room, Path dataDir, InetSocketAddress listen,
                      List<InetSocketAddress> supernodes, byte[] secret,
                      long uploadBytesPerSecond, long downloadBytesPerSecond,
                      long advertisedUploadBytesPerSecond, Tuning tuning) {
        this(nodeId, room, dataDir, listen, supernodes, secret, uploadBytesPerSecond, downloadBytesPerSecond,
                advertisedUploadBytesPerSecond, tuning, DEFAULT_SOURCE_FALLBACK_AFTER);
    }

    /** A copy that never fetches straight from the source: with no supernode, tasks fail after the default wait. */
    public PeerConfig withoutSourceFallback() {
        return new PeerConfig(nodeId, room, dataDir, listen, supernodes, secret, uploadBytesPerSecond, downloadBytesPerSecond,
                advertisedUploadBytesPerSecond, tuning, null, cache);
    }

    /** A copy whose piece store is garbage-collected by {@code policy} (null: never). */
    public PeerConfig withCache(CachePolicy policy) {
        return new PeerConfig(nodeId, room, dataDir, listen, supernodes, secret, uploadBytesPerSecond, downloadBytesPerSecond,
                advertisedUploadBytesPerSecond, tuning, sourceFallbackAfter, policy);
    }

    /** Whether tasks may go straight to the source when no supernode answers. */
    public boolean sourceFallback() {
        return sourceFallbackAfter != null;
    }

    public PeerConfig {
        if (nodeId == null || nodeId.isBlank()) throw new IllegalArgumentException("node id is empty");
        if (uploadBytesPerSecond < 0) throw new IllegalArgumentException("upload rate must be >= 0");
        if (downloadBytesPerSecond < 0) throw new IllegalArgumentException("download rate must be >= 0");
        supernodes = List.copyOf(supernodes);
        if (tuning == null) tuning = Tuning.DEFAULT;
        if (sourceFallbackAfter != null && sourceFallbackAfter.isNegative()) {
            throw new IllegalArgumentException("sourceFallbackAfter must be >= 0, got " + sourceFallbackAfter);
        }
    }

    /** The upload capacity the scheduler plans with. */
    public long plannedUploadBytesPerSecond() {
        return advertisedUploadBytesPerSecond > 0 ? advertisedUploadBytesPerSecond : uploadBytesPerSecond;
    }

    /**
     * Download pipeline settings. requestsPerParent and requestsAtSeed bound the requests in
     * flight on one connection; maxOutstanding bounds them for the whole task; the end-game
     * starts when at most endgamePieces pieces are missing.
     */
    public record Tuning(int requestsPerParent, int requestsAtSeed, int maxOutstanding, int endgamePieces,
                         Duration requestTimeout, Duration stallTimeout, Duration progressInterval) {
        public static final Tuning DEFAULT = new Tuning(2, 1, 48, 24,
                Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofMillis(200));
    }
}
