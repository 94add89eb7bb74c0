package io.darner.agent.daemon;

import java.util.List;

/**
 * What kind of failure ended a task, read from the engine's result message (the engine reports
 * only text so far). The labels travel in the control API's JSON.
 */
public enum FailureKind {
    SOURCE("source"), INTEGRITY("integrity"), LOCAL_IO("local-io"), USAGE("usage"), OTHER("failed");

    private static final List<String> LOCAL_IO_PREFIXES = List.of("cannot write target", "cannot open the piece store",
            "cannot write to the piece store", "cannot complete the piece store entry", "cannot reuse stored piece",
            "not enough disk space");
    private static final List<String> SOURCE_PREFIXES = List.of("source ", "seed error reading", "unsupported scheme");

    private final String label;

    FailureKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static FailureKind ofLabel(String label) {
        for (FailureKind k : values()) {
            if (k.label.equals(label)) return k;
        }
        return OTHER;
    }

    /** Classifies an engine failure message (see TaskRun and Seed). */
    public static FailureKind ofMessage(String message) {
        String m = message == null ? "" : message;
        if (m.contains("digest mismatch")) return INTEGRITY;
        if (LOCAL_IO_PREFIXES.stream().anyMatch(m::startsWith)) return LOCAL_IO;
        if (SOURCE_PREFIXES.stream().anyMatch(m::startsWith)) return SOURCE;
        return OTHER;
    }
}
