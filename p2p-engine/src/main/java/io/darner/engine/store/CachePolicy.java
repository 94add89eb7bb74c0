package io.darner.engine.store;

import java.time.Duration;

/**
 * How a piece store's cache is kept: when its disk is fuller than {@code highWatermark}
 * (a fraction of the disk's size), the least recently used content is dropped until it is at
 * most {@code lowWatermark} full; content unused for {@code ttl} is dropped whatever the disk.
 * Content in use (pinned by a running task, or served to a peer within {@link #SERVING_GRACE})
 * is never dropped.
 */
public record CachePolicy(double highWatermark, double lowWatermark, Duration ttl) {
    /** How long after its last piece was served a content still counts as being served. */
    public static final Duration SERVING_GRACE = Duration.ofMinutes(1);
    /** The agent's defaults: 85 % / 70 % of the disk, 24 h. */
    public static final CachePolicy DEFAULT = new CachePolicy(0.85, 0.70, Duration.ofHours(24));

    public CachePolicy {
        if (!(highWatermark > 0 && highWatermark <= 1)) throw new IllegalArgumentException("high watermark must be in (0%, 100%], got " + percent(highWatermark));
        if (!(lowWatermark > 0 && lowWatermark < highWatermark)) {
            throw new IllegalArgumentException("low watermark must be above 0% and below the high watermark (" + percent(highWatermark)
                    + "), got " + percent(lowWatermark));
        }
        if (ttl == null || ttl.isNegative() || ttl.isZero()) throw new IllegalArgumentException("cache TTL must be positive, got " + ttl);
    }

    static String percent(double fraction) {
        return Math.round(fraction * 1000) / 10.0 + "%";
    }
}
