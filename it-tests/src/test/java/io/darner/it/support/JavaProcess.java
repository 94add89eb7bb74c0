package io.darner.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a jar, its stdout and stderr in one log file. Stopped only through its
 * own handle: {@link #kill()} (SIGKILL), {@link #terminate()} (SIGTERM), or {@link #close()}.
 */
public final class JavaProcess implements AutoCloseable {
    private final String name;
    private final List<String> command;
    private final Path log;
    private final Process process;

    private JavaProcess(String name, List<String> command, Path log, Process process) {
        this.name = name;
        this.command = List.copyOf(command);
        this.log = log;
        this.process = process;
    }

    /** Starts {@code java JVM-OPTIONS -jar JAR ARGS}, with the java of this JVM, logging to {@code log}. */
    public static JavaProcess start(String name, Path jar, List<String> jvmOptions, List<String> args, Path log) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            return new JavaProcess(name, cmd, log, p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", cmd), e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public List<String> command() {
        return command;
    }

    public Path logFile() {
        return log;
    }

    /** Everything the process printed so far. */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the log contains {@code fragment}; fails early, with the log, when the process exits first. */
    public void awaitLog(String fragment, Duration timeout) {
        Await.until(name + " to print \"" + fragment + "\"", timeout, () -> {
            if (log().contains(fragment)) return true;
            if (!isAlive() && !log().contains(fragment)) {
                throw new AssertionError(name + " exited (" + process.exitValue() + ") without printing \"" + fragment + "\":\n" + log());
            }
            return false;
        });
    }

    /** Waits for the process to end by itself; fails after {@code timeout}. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not exit within " + timeout.toSeconds() + " s; its log:\n" + log());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL to the process and to the processes it started, then waits until it is gone. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        awaitGone();
    }

    /** SIGTERM; returns the exit code (fails when the process does not exit within {@code timeout}). */
    public int terminate(Duration timeout) {
        process.destroy();
        return awaitExit(timeout);
    }

    private void awaitGone() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException(name + " (pid " + pid() + ") survived SIGKILL");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code lines} lines of the log. */
    public String tail(int lines) {
        List<String> all = log().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @Override
    public void close() {
        if (process.isAlive()) kill();
    }
}
