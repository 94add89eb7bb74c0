package io.darner.agent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.darner.agent.JvmOptions;
import io.darner.agent.LoopbackPorts;
import io.darner.agent.Main;
import io.darner.agent.daemon.Json;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The memory benchmark: one supernode and {@code agents} agent processes (child JVMs of this jar,
 * started with the flags of {@code darner-jvm.options}, as ./darner starts them) move a file of
 * {@code sizeMiB} through the supernode's task API. The resident memory of each process is
 * sampled from /proc while the task runs (VmRSS) and read at the end (VmHWM, the kernel's peak);
 * every target's SHA-256 is checked against the source.
 */
final class MemoryBench {
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration TRANSFER = Duration.ofMinutes(10);
    private static final Duration SAMPLE = Duration.ofMillis(100);

    record Report(int sizeMiB, int agents, long agentRssMaxKib, long supernodeRssMaxKib, int verified) {
        String line() {
            return String.format(Locale.ROOT, "BENCH memory size_mib=%d agents=%d agent_rss_max_mib=%d supernode_rss_max_mib=%d verified=%d/%d",
                    sizeMiB, agents, Math.round(agentRssMaxKib / 1024.0), Math.round(supernodeRssMaxKib / 1024.0), verified, agents);
        }
    }

    private final Path work;
    private final int sizeMiB;
    private final int agentCount;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> processes = new java.util.concurrent.CopyOnWriteArrayList<>();

    MemoryBench(Path work, int sizeMiB, int agents) {
        this.work = work;
        this.sizeMiB = sizeMiB;
        this.agentCount = agents;
    }

    Report run() throws Exception {
        // SIGINT or SIGTERM of the harness must not leave its daemons running
        Thread hook = new Thread(() -> processes.forEach(Process::destroyForcibly), "darner-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return measure();
        } finally {
            for (Process p : processes) stop(p);
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    private Report measure() throws Exception {
        Path jar = ownJar();
        Path source = work.resolve("source.bin");
        progress("writing a %d MiB source in %s", sizeMiB, work);
        String digest = writeSource(source, (long) sizeMiB << 20);
        Path secret = work.resolve("secret");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.write(secret, key);
        Path out = Files.createDirectories(work.resolve("out"));

        String listen = LoopbackPorts.freeAddress();
        String admin = LoopbackPorts.freeAddress();
        Process supernode = start(jar, "supernode", List.of("--id", "sn-1", "--listen", listen, "--admin", admin, "--room", "bench",
                "--data-dir", work.resolve("sn-1").toString(), "--secret-file", secret.toString()));
        awaitOk(URI.create("http://" + admin + "/healthz"), supernode);
        List<Process> agents = new ArrayList<>();
        List<String> controls = new ArrayList<>();
        for (int i = 1; i <= agentCount; i++) {
            String control = LoopbackPorts.freeAddress();
            controls.add(control);
            agents.add(start(jar, "agent", List.of("--node-id", "agent-" + i, "--supernode", listen, "--room", "bench",
                    "--data-dir", work.resolve("agent-" + i).toString(), "--listen", LoopbackPorts.freeAddress(), "--control", control,
                    "--secret-file", secret.toString(), "--allow-dir", out.toString())));
        }
        for (int i = 0; i < agentCount; i++) awaitOk(URI.create("http://" + controls.get(i) + "/readyz"), agents.get(i));

        Map<String, String> targets = new LinkedHashMap<>();
        for (int i = 1; i <= agentCount; i++) targets.put("agent-" + i, out.resolve("agent-" + i + ".bin").toString());
        HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create("http://" + admin + "/api/tasks"))
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("source", source.toUri().toString(), "digest", digest,
                        "targets", targets)))).build(), HttpResponse.BodyHandlers.ofString());
        if (submitted.statusCode() != 202) throw new IllegalStateException("the supernode refused the task: " + submitted.body());
        String taskId = Json.MAPPER.readTree(submitted.body()).path("taskId").asText();
        progress("task %s: %d agents fetching %d MiB", taskId, agentCount, sizeMiB);

        long[] agentRss = new long[agentCount];
        long supernodeRss = 0;
        long deadline = System.nanoTime() + TRANSFER.toNanos();
        long lastReport = 0;
        while (true) {
            supernodeRss = Math.max(supernodeRss, rssKib(supernode, "VmRSS"));
            for (int i = 0; i < agentCount; i++) agentRss[i] = Math.max(agentRss[i], rssKib(agents.get(i), "VmRSS"));
            JsonNode task = task(admin, taskId);
            int done = 0;
            long bytes = 0;
            for (JsonNode m : task == null ? Json.MAPPER.createArrayNode() : task.path("members")) {
                if (m.path("done").asBoolean()) done++;
                bytes += m.path("done").asBoolean() ? (long) sizeMiB << 20 : m.path("verifiedBytes").asLong();
            }
            if (done == agentCount) break;
            if (System.nanoTime() > deadline) throw new IllegalStateException("the transfer did not end within " + TRANSFER.toMinutes() + " min");
            for (Process p : processes) {
                if (!p.isAlive()) throw new IllegalStateException("a benchmark process (pid " + p.pid() + ") exited with " + p.exitValue());
            }
            if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(5)) {
                lastReport = System.nanoTime();
                progress("%d/%d done, %d MiB moved", done, agentCount, bytes >> 20);
            }
            LockSupport.parkNanos(SAMPLE.toNanos());
        }
        // the kernel's high-water mark catches peaks between samples
        supernodeRss = Math.max(supernodeRss, rssKib(supernode, "VmHWM"));
        long agentMax = 0;
        for (int i = 0; i < agentCount; i++) agentMax = Math.max(agentMax, Math.max(agentRss[i], rssKib(agents.get(i), "VmHWM")));

        int verified = 0;
        for (String target : targets.values()) {
            Path t = Path.of(target);
            if (Files.isRegularFile(t) && digest.equals(BenchFiles.sha256(t))) verified++;
        }
        return new Report(sizeMiB, agentCount, agentMax, supernodeRss, verified);
    }

    private JsonNode task(String admin, String taskId) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + admin + "/api/tasks")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode t : Json.MAPPER.readTree(r.body()).path("tasks")) {
                if (taskId.equals(t.path("taskId").asText())) return t;
            }
            return null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Process start(Path jar, String command, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JvmOptions.forCommand(command));
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.add(command);
        cmd.addAll(args);
        Path log = work.resolve(command + "-" + (processes.size() + 1) + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        processes.add(p);
        return p;
    }

    private void awaitOk(URI uri, Process owner) throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!owner.isAlive()) throw new IllegalStateException("pid " + owner.pid() + " exited with " + owner.exitValue() + " before " + uri + " answered");
            try {
                if (http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            LockSupport.parkNanos(SAMPLE.toNanos());
        }
        throw new IllegalStateException(uri + " did not answer 200 within " + STARTUP.toSeconds() + " s");
    }

    /** SIGTERM (the daemons stop gracefully), SIGKILL when that takes too long. */
    private static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** A line of /proc/PID/status in KiB (VmRSS: now, VmHWM: the peak); 0 once the process is gone. */
    static long rssKib(Process p, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
                if (line.startsWith(field + ":")) return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
            }
        } catch (IOException | NumberFormatException gone) {
            // the process ended or /proc is not there
        }
        return 0;
    }

    private static Path ownJar() {
        try {
            Path p = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(p)) throw new IllegalStateException("bench --memory starts agent processes from the darner jar; run it through ./darner");
            return p;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes pseudo-random bytes and returns their {@code sha256:HEX}. */
    private static String writeSource(Path file, long size) throws IOException {
        MessageDigest md = sha256();
        SplittableRandom rnd = new SplittableRandom(System.nanoTime());
        byte[] buf = new byte[1 << 20];
        java.nio.ByteBuffer longs = java.nio.ByteBuffer.wrap(buf);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; ) {
                longs.clear();
                while (longs.remaining() >= 8) longs.putLong(rnd.nextLong());
                int n = (int) Math.min(buf.length, left);
                md.update(buf, 0, n);
                out.write(buf, 0, n);
                left -= n;
            }
        }
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }


    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void progress(String format, Object... args) {
        System.err.println("bench: " + String.format(Locale.ROOT, format, args));
    }
}
