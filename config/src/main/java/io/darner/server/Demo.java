package io.darner.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * {@code darner demo}: the main job on the embedded default, as a user would do it. Starts the
 * server (H2, embedded supernode) and agents on loopback, each with its own data dir, makes a
 * file, distributes it through the REST API, shows progress, checks every node's file, prints
 * one {@code DEMO} line and stops everything it started.
 */
final class Demo {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration TASK_TIMEOUT = Duration.ofMinutes(10);

    private final List<Process> started = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String base;
    private String token;

    static int run(String[] args) throws Exception {
        int nodes = 4;
        int sizeMib = 256;
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nodes" -> nodes = positive("--nodes", value(args, ++i), 64);
                case "--size-mib" -> sizeMib = positive("--size-mib", value(args, ++i), 65536);
                case "--keep" -> keep = true;
                case "-h", "--help" -> {
                    System.out.println(HELP);
                    return 0;
                }
                default -> {
                    System.err.println("darner demo: unknown option '" + args[i] + "'\n" + HELP);
                    return 2;
                }
            }
        }
        Demo demo = new Demo();
        Path dir = Files.createTempDirectory("darner-demo-");
        Thread cleanup = new Thread(demo::stopAll, "darner-demo-stop");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            return demo.run(dir, nodes, sizeMib);
        } finally {
            demo.stopAll();
            Runtime.getRuntime().removeShutdownHook(cleanup);
            if (keep) System.out.println("demo: kept " + dir);
            else deleteTree(dir);
        }
    }

    static final String HELP = """
            Usage: darner demo [--nodes N] [--size-mib M] [--keep]

            Starts the server (H2, embedded supernode) and N agents (default 4) on loopback, makes a
            file of M MiB (default 256), distributes it to every agent through the REST API, checks
            each node's copy, prints one line and stops everything it started:
              DEMO task=ID nodes=4 size_mib=256 seconds=S verified=4/4 state=SUCCEEDED
            seconds: the task's time from fan-out to its end, as the API reports it.
            --keep leaves the working directory (logs, data) in place. Exit 0 when every node verified.
            """;

    private int run(Path dir, int nodeCount, int sizeMib) throws Exception {
        Path serverJar = Path.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)[0]).toAbsolutePath();
        Path agentJar = agentJar(serverJar);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        System.out.println("demo: working in " + dir);

        Path file = dir.resolve("demo.bin");
        String digest = makeFile(file, sizeMib);
        System.out.printf("demo: made %s (%d MiB, %s)%n", file, sizeMib, digest);

        int httpPort = freePort();
        int supernodePort = freePort();
        String password = "demo-" + Long.toHexString(new SplittableRandom().nextLong());
        Path serverDir = dir.resolve("server");
        ProcessBuilder server = new ProcessBuilder(java, "-jar", serverJar.toString(), "server",
                "--server.port=" + httpPort, "--darner.data-dir=" + serverDir, "--darner.supernode.listen=127.0.0.1:" + supernodePort,
                "--darner.routes-dir=" + dir.resolve("routes.d"), "--darner.file-sources=" + dir);
        server.environment().put("DARNER_BOOTSTRAP_ADMIN_PASSWORD", password);
        start(server, dir.resolve("server.log"));
        base = "http://127.0.0.1:" + httpPort + "/api/v1";
        System.out.println("demo: server starting at " + base + " (log: " + dir.resolve("server.log") + ")");
        waitFor("the server to answer", () -> get("/health").statusCode() == 200, dir.resolve("server.log"));
        HttpResponse<String> login = post("/auth/login", "{\"username\":\"admin\",\"password\":\"" + password + "\"}");
        if (login.statusCode() != 200) throw new IllegalStateException("logging in as admin failed: " + login.statusCode() + " " + login.body());
        token = JSON.readTree(login.body()).path("token").asText();

        ArrayNode nodes = JSON.createArrayNode();
        for (int i = 1; i <= nodeCount; i++) {
            String id = "demo-node-" + i;
            Path nodeDir = dir.resolve(id);
            Files.createDirectories(dir.resolve("out").resolve(id));
            start(new ProcessBuilder(java, "-jar", agentJar.toString(), "agent", "--node-id", id,
                    "--supernode", "127.0.0.1:" + supernodePort, "--room", "default", "--data-dir", nodeDir.resolve("store").toString(),
                    "--listen", "127.0.0.1:" + freePort(), "--control", "127.0.0.1:" + freePort(),
                    "--secret-file", serverDir.resolve("cluster.secret").toString(), "--allow-dir", dir.resolve("out").toString()),
                    dir.resolve(id + ".log"));
            nodes.addObject().put("id", id).put("room", "default");
        }
        System.out.println("demo: " + nodeCount + " agents starting");
        waitFor("all " + nodeCount + " agents to join", () -> JSON.readTree(get("/nodes").body()).path("items").size() >= nodeCount,
                dir.resolve("demo-node-1.log"));

        ObjectNode request = JSON.createObjectNode();
        request.put("source", file.toUri().toString());
        request.set("nodes", nodes);
        request.put("target", dir.resolve("out").resolve("{node}").resolve("demo.bin").toString());
        request.put("digest", digest);
        HttpResponse<String> created = post("/tasks", JSON.writeValueAsString(request));
        if (created.statusCode() != 201) throw new IllegalStateException("creating the task failed: " + created.statusCode() + " " + created.body());
        String id = JSON.readTree(created.body()).path("id").asText();
        System.out.println("demo: task " + id + " created");

        JsonNode task = follow(id, (long) sizeMib * nodeCount << 20);
        int verified = 0;
        for (JsonNode n : task.path("nodes")) {
            Path target = dir.resolve("out").resolve(n.path("id").asText()).resolve("demo.bin");
            boolean ok = "VERIFIED".equals(n.path("state").asText()) && Files.isRegularFile(target) && digest.equals(sha256(target));
            if (ok) verified++;
            else System.out.println("demo: node " + n.path("id").asText() + ": " + n.path("state").asText() + " " + n.path("message").asText());
        }
        String state = task.path("state").asText();
        System.out.printf("DEMO task=%s nodes=%d size_mib=%d seconds=%.1f verified=%d/%d state=%s%n",
                id, nodeCount, sizeMib, task.path("seconds").asDouble(), verified, nodeCount, state);
        return "SUCCEEDED".equals(state) && verified == nodeCount ? 0 : 1;
    }

    /** Polls the task until it ends, showing progress; returns its last view. */
    private JsonNode follow(String id, long totalBytes) throws Exception {
        boolean tty = System.console() != null;
        long deadline = System.nanoTime() + TASK_TIMEOUT.toNanos();
        long lastLine = 0;
        while (true) {
            JsonNode t = JSON.readTree(get("/tasks/" + id).body());
            String state = t.path("state").asText();
            JsonNode s = t.path("summary");
            String line = String.format("demo: %-9s %d/%d nodes verified, %d of %d MiB", state, s.path("verified").asInt(),
                    s.path("nodes").asInt(), s.path("bytesVerified").asLong() >> 20, totalBytes >> 20);
            boolean done = !List.of("PENDING", "SCHEDULED", "RUNNING", "VERIFYING").contains(state);
            if (tty) {
                System.out.print("\r" + line + (done ? "\n" : ""));
            } else if (done || System.nanoTime() - lastLine > 2_000_000_000L) {
                System.out.println(line);
                lastLine = System.nanoTime();
            }
            if (done) return t;
            if (System.nanoTime() > deadline) throw new IllegalStateException("task " + id + " did not end within " + TASK_TIMEOUT.toMinutes() + " min");
            Thread.sleep(250); // a progress display's refresh period, not a synchronisation
        }
    }

    private void start(ProcessBuilder pb, Path log) throws IOException {
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        started.add(pb.start());
    }

    /** Stops what the demo started: SIGTERM, then SIGKILL for what is still running after 15 s. */
    synchronized void stopAll() {
        for (int i = started.size() - 1; i >= 0; i--) started.get(i).destroy();
        for (Process p : started) {
            try {
                if (!p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        started.clear();
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private void waitFor(String what, Check check, Path log) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (Process p : started) {
                if (!p.isAlive()) throw new IllegalStateException("a process the demo started exited with " + p.exitValue() + " while waiting for " + what + "; see the logs, e.g. " + log);
            }
            try {
                if (check.ok()) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200); // polling period while waiting on a bounded condition
        }
        throw new IllegalStateException("gave up waiting for " + what + " after " + START_TIMEOUT.toSeconds() + " s; see " + log);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET();
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Path agentJar(Path serverJar) {
        String env = System.getenv("DARNER_AGENT_JAR");
        Path jar = env != null && !env.isBlank() ? Path.of(env)
                : serverJar.getParent().resolve("../../agent/target/darner-agent.jar").normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the agent jar was not found at " + jar + "; run the demo as ./darner demo (it builds both jars), or set DARNER_AGENT_JAR");
        }
        return jar;
    }

    private static String makeFile(Path file, int sizeMib) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom();
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < sizeMib; i++) {
                for (int j = 0; j < block.length; j += 8) {
                    long v = random.nextLong();
                    for (int k = 0; k < 8; k++) block[j + k] = (byte) (v >>> (8 * k));
                }
                sha.update(block);
                out.write(block);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) sha.update(buf, 0, n);
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) throw new IllegalArgumentException("darner demo: " + args[i - 1] + " needs a value");
        return args[i];
    }

    private static int positive(String flag, String v, int max) {
        try {
            int n = Integer.parseInt(v);
            if (n < 1 || n > max) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("darner demo: " + flag + " must be a whole number from 1 to " + max + ", got '" + v + "'");
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("demo: could not remove " + dir + ": " + e.getMessage());
        }
    }
}
