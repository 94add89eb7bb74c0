package io.darner.engine.rate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Combinations of {@link Pacer}s. */
public final class Pacers {

    private Pacers() {
    }

    /**
     * A pacer for bytes that pass through several limits, e.g. the node's upload cap, then the
     * task's cap, later the tenant's cap. {@link Pacer#UNLIMITED} levels are skipped; with no
     * level left the result is {@link Pacer#UNLIMITED}, with one it is that level itself.
     *
     * <p>Each reservation is FIFO on every level, so the stack is FIFO too.
     */
    public static Pacer stack(Pacer... levels) {
        Objects.requireNonNull(levels, "levels");
        List<Pacer> limited = new ArrayList<>(levels.length);
        for (int i = 0; i < levels.length; i++) {
            Pacer level = levels[i];
            if (level == null) {
                throw new NullPointerException("pacer level " + i + " is null");
            }
            if (level != Pacer.UNLIMITED) {
                limited.add(level);
            }
        }
        return switch (limited.size()) {
            case 0 -> Pacer.UNLIMITED;
            case 1 -> limited.get(0);
            default -> new Stacked(limited.toArray(Pacer[]::new));
        };
    }

    private record Stacked(Pacer[] levels) implements Pacer {

        // Conservative and simple: every level books the bytes from the same earliest start, and
        // the bytes are through when the slowest level has passed them (max of the instants).
        // A faster level thus books its share a little earlier than the bytes really cross it,
        // which can only make that level's other users wait less, never send above a cap.
        @Override
        public long reserve(int bytes, long earliestNanos) {
            long done = levels[0].reserve(bytes, earliestNanos);
            for (int i = 1; i < levels.length; i++) {
                done = Math.max(done, levels[i].reserve(bytes, earliestNanos));
            }
            return done;
        }

        @Override
        public String toString() {
            return "Pacers.stack" + Arrays.toString(levels);
        }
    }
}
