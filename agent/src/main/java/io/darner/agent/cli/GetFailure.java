package io.darner.agent.cli;

/** Why {@code darner get} failed, with the exit code that says so. */
final class GetFailure extends Exception {
    private final int exitCode;

    GetFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    GetFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
