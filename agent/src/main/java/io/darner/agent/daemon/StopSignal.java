package io.darner.agent.daemon;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps a daemon running until it is told to stop, by a call to {@link #stop} or by SIGTERM or
 * SIGINT. The JVM would end with status 143 on SIGTERM; trapping the signals instead lets the
 * daemon close in the normal way and exit 0. A shutdown hook closes the daemon on any other exit.
 */
public final class StopSignal {
    private static final String[] SIGNALS = {"TERM", "INT"};

    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();

    /** Asks the daemon to stop; the first call's code wins. */
    public void stop(int code) {
        exitCode.complete(code);
    }

    /** Runs until stopped, then closes {@code daemon}; returns the exit code passed to {@link #stop}. */
    public int runUntilStopped(AutoCloseable daemon) throws Exception {
        Thread hook = new Thread(() -> closeQuietly(daemon), "darner-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Map<Signal, SignalHandler> previous = trapSignals();
        try {
            return exitCode.join();
        } finally {
            previous.forEach(Signal::handle);
            daemon.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (or ran) anyway; closing twice is harmless
            }
        }
    }

    private Map<Signal, SignalHandler> trapSignals() {
        Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
        for (String name : SIGNALS) {
            try {
                Signal signal = new Signal(name);
                previous.put(signal, Signal.handle(signal, s -> stop(0)));
            } catch (IllegalArgumentException unavailable) {
                // the JVM reserves it here (e.g. -Xrs); the shutdown hook still closes the daemon
            }
        }
        return previous;
    }

    private static void closeQuietly(AutoCloseable daemon) {
        try {
            daemon.close();
        } catch (Exception ignored) {
            // the JVM is exiting: nothing left to report to
        }
    }
}
