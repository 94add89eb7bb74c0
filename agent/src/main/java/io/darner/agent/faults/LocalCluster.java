package io.darner.agent.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.darner.agent.JvmOptions;
import io.darner.agent.LoopbackPorts;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Supernodes and agents of this jar as child processes on loopback, for one fault case: a work
 * directory and a cluster secret of its own; {@link #close()} kills every process it started
 * (by handle) and deletes the directory.
 */
final class LocalCluster implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String ROOM = "room-f";

    final Path dir;
    private final Path jar;
    private final Path secret;
    private final List<Process> processes = new ArrayList<>();

    LocalCluster(Path dir, Path jar) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.jar = jar;
        this.secret = dir.resolve("secret");
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        Files.write(secret, b);
        Files.createDirectories(out());
        Files.createDirectories(dir.resolve("logs"));
    }

    Path out() {
        return dir.resolve("out");
    }

    record Node(String name, String listen, String http, Process process, Path log) {
        boolean alive() {
            return process.isAlive();
        }
    }

    private Process start(String name, List<String> args) {
        return startJar(name, jar, JvmOptions.forCommand(args.get(0)), args);
    }

    /** Starts {@code java JVM -jar JAR ARGS}, logging to logs/NAME.log (appended: a restart keeps the earlier lines). */
    Process startJar(String name, Path jar, List<String> jvm, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-jar", jar.toString()));
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("logs").resolve(name + ".log").toFile()))
                    .redirectInput(new File("/dev/null")).start();
            synchronized (processes) {
                processes.add(p);
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    Node supernode(String name) {
        String listen = LoopbackPorts.freeAddress();
        String admin = LoopbackPorts.freeAddress();
        Process p = start(name, List.of("supernode", "--id", name, "--listen", listen, "--admin", admin, "--room", ROOM,
                "--data-dir", dir.resolve(name).toString(), "--secret-file", secret.toString()));
        Node n = new Node(name, listen, admin, p, dir.resolve("logs").resolve(name + ".log"));
        await(name + " to answer", 60, () -> {
            if (!p.isAlive()) throw new IllegalStateException(name + " exited: " + tail(n));
            return status(n.http(), "/healthz") == 200;
        });
        return n;
    }

    Path secret() {
        return secret;
    }

    Node agentOf(String name, String supernodeListen, String... extra) {
        String listen = LoopbackPorts.freeAddress();
        String control = LoopbackPorts.freeAddress();
        List<String> args = new ArrayList<>(List.of("agent", "--node-id", name, "--supernode", supernodeListen, "--room", ROOM,
                "--data-dir", dir.resolve(name).toString(), "--listen", listen, "--control", control,
                "--secret-file", secret.toString(), "--allow-dir", out().toString()));
        args.addAll(List.of(extra));
        return new Node(name, listen, control, start(name, args), dir.resolve("logs").resolve(name + ".log"));
    }

    Node agent(String name, List<Node> supernodes, Path dataDir, String... extra) {
        String listen = LoopbackPorts.freeAddress();
        String control = LoopbackPorts.freeAddress();
        List<String> args = new ArrayList<>(List.of("agent", "--node-id", name, "--supernode",
                String.join(",", supernodes.stream().map(Node::listen).toList()), "--room", ROOM,
                "--data-dir", (dataDir != null ? dataDir : dir.resolve(name)).toString(), "--listen", listen, "--control", control,
                "--secret-file", secret.toString(), "--allow-dir", out().toString()));
        args.addAll(List.of(extra));
        Process p = start(name, args);
        return new Node(name, listen, control, p, dir.resolve("logs").resolve(name + ".log"));
    }

    Node agent(String name, List<Node> supernodes, String... extra) {
        return agent(name, supernodes, null, extra);
    }

    static void awaitJoined(List<Node> agents) {
        for (Node a : agents) {
            await(a.name() + " to join", 60, () -> {
                if (!a.alive()) throw new IllegalStateException(a.name() + " exited: " + tail(a));
                return status(a.http(), "/readyz") == 200;
            });
        }
    }

    /** A download through an agent's control API (POST /api/v1/get), followed on a thread of its own. */
    static final class Download {
        final Node agent;
        final Path output;
        final AtomicLong bytes = new AtomicLong();
        final CompletableFuture<JsonNode> result = new CompletableFuture<>();
        final long startNanos = System.nanoTime();
        volatile long endNanos;

        Download(Node agent, Path output) {
            this.agent = agent;
            this.output = output;
        }

        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }

        JsonNode await(long seconds) {
            try {
                return result.get(seconds, TimeUnit.SECONDS);
            } catch (Exception e) {
                return JSON.createObjectNode().put("event", "none").put("success", false).put("message", "no result within " + seconds + " s");
            }
        }
    }

    static Download get(Node agent, Path source, Path output, String digest) {
        Download d = new Download(agent, output);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", source.toUri().toString());
        body.put("output", output.toString());
        body.put("digest", digest);
        Thread t = new Thread(() -> {
            try {
                HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + agent.http() + "/api/v1/get"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
                HttpResponse<Stream<String>> r = HTTP.send(req, HttpResponse.BodyHandlers.ofLines());
                try (Stream<String> lines = r.body()) {
                    for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                        JsonNode e = JSON.readTree(it.next());
                        if ("progress".equals(e.path("event").asText())) d.bytes.set(e.path("bytes").asLong());
                        else if ("result".equals(e.path("event").asText())) {
                            d.endNanos = System.nanoTime();
                            d.result.complete(e);
                            return;
                        }
                    }
                }
                d.result.complete(JSON.createObjectNode().put("event", "lost").put("success", false).put("message", "stream ended (" + r.statusCode() + ")"));
            } catch (Exception e) {
                d.result.complete(JSON.createObjectNode().put("event", "lost").put("success", false).put("message", e.toString()));
            }
        }, "faults-get-" + agent.name());
        t.setDaemon(true);
        t.start();
        return d;
    }

    static int status(String authority, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + authority + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static JsonNode getJson(String authority, String path) {
        try {
            return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://" + authority + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    /** SIGKILL, waiting until the process is gone. */
    static void kill(Node n) {
        n.process().destroyForcibly();
        try {
            n.process().waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String tail(Node n) {
        try {
            List<String> lines = Files.readAllLines(n.log());
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    static String log(Node n) {
        return log(n.log());
    }

    static String log(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    /** Polls {@code condition} every 20 ms; throws after {@code seconds}. */
    static void await(String what, long seconds, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("timed out after " + seconds + " s waiting for " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what);
            }
        }
    }

    @Override
    public void close() {
        List<Process> ps;
        synchronized (processes) {
            ps = new ArrayList<>(processes);
            processes.clear();
        }
        for (Process p : ps) p.destroyForcibly();
        for (Process p : ps) {
            try {
                p.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
