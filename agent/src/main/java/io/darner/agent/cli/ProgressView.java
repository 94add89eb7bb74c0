package io.darner.agent.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows a download's progress: a bar redrawn in place on a terminal, plain lines (at most one a
 * second) otherwise. {@code peers} < 0 means the bytes come straight from the source.
 */
final class ProgressView {
    private static final long TERMINAL_EVERY_NANOS = 100_000_000L;
    private static final long PLAIN_EVERY_NANOS = 1_000_000_000L;
    private static final int BAR_WIDTH = 24;

    private final PrintWriter out;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private long lastDrawNanos = startNanos;
    private long lastBytes;
    private double rate; // bytes per second, smoothed
    private boolean drawn;

    ProgressView(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    void update(long bytes, long size, int peers) {
        long now = System.nanoTime();
        long elapsed = now - lastDrawNanos;
        if (elapsed < (terminal ? TERMINAL_EVERY_NANOS : PLAIN_EVERY_NANOS)) return;
        double instant = (bytes - lastBytes) * 1e9 / elapsed;
        rate = drawn ? 0.7 * rate + 0.3 * instant : instant;
        lastDrawNanos = now;
        lastBytes = bytes;
        drawn = true;
        String line = line(bytes, size, peers);
        if (terminal) {
            out.print("\r" + line + "\033[K");
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Erases the bar, if one is drawn, so the closing line stands alone. */
    void clear() {
        if (terminal && drawn) {
            out.print("\r\033[K");
            out.flush();
        }
    }

    /** Average rate since the start, for the closing line. */
    String averageRate(long bytes) {
        double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        return bytes(bytes / seconds) + "/s";
    }

    private String line(long bytes, long size, int peers) {
        String who = peers < 0 ? "from source" : peers + (peers == 1 ? " peer" : " peers");
        String eta = size > 0 && rate > 0 ? "ETA " + duration((size - bytes) / rate) : "ETA --";
        if (size <= 0) {
            return String.format(Locale.ROOT, "%s  %s/s  %s", bytes(bytes), bytes(rate), who);
        }
        int pct = (int) (100 * bytes / size);
        String head = terminal ? bar(bytes, size) + " " : "progress ";
        return String.format(Locale.ROOT, "%s%3d%%  %s of %s  %s/s  %s  %s", head, pct, bytes(bytes), bytes(size), bytes(rate), eta, who);
    }

    private static String bar(long bytes, long size) {
        int filled = (int) (BAR_WIDTH * bytes / size);
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "]";
    }

    /** Decimal units, as rates are written: {@code 12.3 MB}. */
    static String bytes(double n) {
        String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
        int u = 0;
        while (u < units.length - 1 && n >= 999.95) {
            n /= 1000;
            u++;
        }
        return u == 0 ? String.format(Locale.ROOT, "%d B", Math.round(n)) : String.format(Locale.ROOT, "%.1f %s", n, units[u]);
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
