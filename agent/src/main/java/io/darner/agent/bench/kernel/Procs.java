package io.darner.agent.bench.kernel;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands (optionally inside a network namespace, via {@code ip netns exec}, which execs the
 * command itself so the pid is the command's) and remembers every long-running process it started,
 * so that {@link #stopAll()} ends exactly those, by their handle.
 */
final class Procs {
    private final List<Process> started = new ArrayList<>();
    private boolean closed;

    /** Runs a command to its end; returns its output; fails with the output on a non-zero exit. */
    static String run(List<String> cmd) {
        return run(cmd, null);
    }

    static String run(List<String> cmd, String stdin) {
        Result r = tryRun(cmd, stdin);
        if (r.exit != 0) throw new IllegalStateException("command failed (" + r.exit + "): " + String.join(" ", cmd) + "\n" + r.output);
        return r.output;
    }

    record Result(int exit, String output) {}

    static Result tryRun(List<String> cmd, String stdin) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            if (stdin == null) pb.redirectInput(new File("/dev/null"));
            Process p = pb.start();
            if (stdin != null) {
                try (var out = p.getOutputStream()) {
                    out.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("command did not end within 120 s: " + String.join(" ", cmd));
            }
            return new Result(p.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", cmd), e);
        }
    }

    static List<String> inNs(String ns, List<String> cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(cmd);
        return full;
    }

    /** Starts a long-running command in namespace {@code ns}, output to {@code log}. */
    synchronized Process start(String ns, List<String> cmd, Path log) {
        if (closed) throw new IllegalStateException("the benchmark is shutting down");
        try {
            Process p = new ProcessBuilder(inNs(ns, cmd)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(new File("/dev/null")).start();
            started.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", cmd) + " in " + ns, e);
        }
    }

    /** CPU seconds {user, system} the running processes this started have used so far, from /proc/PID/stat. */
    synchronized double[] userSystemSeconds() {
        double user = 0, system = 0;
        for (Process p : started) {
            try {
                String stat = java.nio.file.Files.readString(Path.of("/proc", String.valueOf(p.pid()), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                user += Long.parseLong(f[11]); // utime, stime (fields 14 and 15)
                system += Long.parseLong(f[12]);
            } catch (IOException | RuntimeException gone) {
                // exited: its CPU is no longer visible
            }
        }
        return new double[] {user / 100.0, system / 100.0}; // USER_HZ
    }

    /** SIGTERM to each process this started, SIGKILL to those still there after 5 s; waits until all are gone. */
    synchronized void stopAll() {
        List<Process> ps = new ArrayList<>(started);
        started.clear();
        stop(ps);
    }

    synchronized void close() {
        closed = true;
        stopAll();
    }

    static void stop(List<Process> ps) {
        for (Process p : ps) if (p.isAlive()) p.destroy();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Process p : ps) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) p.destroyForcibly();
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        for (Process p : ps) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
