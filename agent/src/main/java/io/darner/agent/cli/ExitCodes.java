package io.darner.agent.cli;

import io.darner.agent.daemon.FailureKind;

/** The exit codes of the darner commands (each command's --help lists those it uses). */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int SOURCE = 3;
    public static final int INTEGRITY = 4;
    public static final int LOCAL_IO = 5;
    public static final int REFUSED = 6;

    private ExitCodes() {
    }

    public static int of(FailureKind kind) {
        return switch (kind) {
            case SOURCE -> SOURCE;
            case INTEGRITY -> INTEGRITY;
            case LOCAL_IO -> LOCAL_IO;
            case USAGE -> USAGE;
            case OTHER -> FAILED;
        };
    }
}
