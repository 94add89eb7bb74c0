package io.darner.agent.bench.kernel;

import io.darner.agent.bench.BenchFiles;
import io.darner.agent.bench.MemoryReserve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.darner.agent.JvmOptions;
import io.darner.agent.bench.Scenario;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code darner bench --kernel}: the same file through Darner, aria2 (BitTorrent) and nginx+curl
 * (HTTP) on hosts that are network namespaces with kernel-enforced caps (see {@link Topology}).
 * Prints one {@code BENCH kernel ...} line per system and a summary on stdout; progress, CPU load
 * and per-node times go to stderr. Everything it creates (namespaces, bridge, veths, processes,
 * files) is removed at the end, also on SIGINT/SIGTERM (a shutdown hook).
 */
public final class KernelBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FILE = "payload.bin";
    private static final int SN_PORT = 7300;
    private static final String SN_ADMIN = "127.0.0.1:7380";
    private static final int TRACKER_PORT = 6969;
    private static final int HTTP_PORT = 8080;

    private final Scenario scenario;
    private final int warmups;
    private final KernelOptions opts;
    private final int nodes;
    private final long size;
    private final Path work;
    private final Path jar;
    private final Procs procs = new Procs();
    private final Topology topo;
    private final PrintStream out = System.out;
    private final PrintStream log = System.err;
    private final AtomicBoolean cleaned = new AtomicBoolean();
    private final CountDownLatch cleanedUp = new CountDownLatch(1);
    /** Set first thing by the cleanup (the shutdown hook on SIGINT/SIGTERM): no result may be printed after it. */
    private volatile boolean stopping;
    /** CPU seconds {user, system} of the processes started so far, when the timed transfer began. */
    private double[] cpuAtStart = new double[2];
    private final long deadlineSeconds;
    private Path source;
    private String digest;

    record Result(String system, double[] times, int verified) {
        double tMax() {
            return times.length == 0 ? Double.NaN : Arrays.stream(times).max().orElseThrow();
        }

        double p99() {
            if (times.length == 0) return Double.NaN;
            double[] s = times.clone();
            Arrays.sort(s);
            return s[Math.max(0, Math.min(s.length - 1, (int) Math.ceil(0.99 * s.length) - 1))];
        }
    }

    private KernelBench(Scenario scenario, KernelOptions opts, int warmups, Path base) throws IOException {
        this.scenario = scenario;
        this.warmups = warmups;
        this.opts = opts;
        this.nodes = opts.nodes != null ? opts.nodes : scenario.nodes();
        this.size = (long) (opts.sizeMiB != null ? opts.sizeMiB : scenario.sizeMiB()) << 20;
        this.deadlineSeconds = opts.timeoutSeconds;
        String id = String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
        this.work = base.resolve("darner-kernel-" + id);
        this.topo = new Topology(id, nodes + 1);
        try {
            this.jar = Path.of(KernelBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new IllegalStateException("cannot locate the darner agent jar", e);
        }
    }

    /** Runs the kernel benchmark; returns the exit code (0: every system delivered every file verified). */
    public static int run(Scenario scenario, KernelOptions opts, int warmups, Path base) throws Exception {
        for (String s : opts.systems) {
            if (!List.of("darner", "aria2", "http").contains(s)) throw new IllegalArgumentException("unknown system " + s + " (darner, aria2, http)");
        }
        try {
            preflight(opts.systems);
        } catch (IllegalStateException e) {
            System.err.println("darner bench --kernel: " + e.getMessage());
            return 2;
        }
        KernelBench b = new KernelBench(scenario, opts, warmups, base);
        Thread hook = new Thread(b::cleanup, "kernel-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return b.runAll();
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            System.err.println("darner bench --kernel: " + e.getMessage());
            return 1;
        } finally {
            b.cleanup();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    /** Root, ip netns and the tools of each system, or a message naming what is missing. */
    static void preflight(List<String> systems) {
        String uid = Procs.tryRun(List.of("id", "-u"), null).output().trim();
        if (!"0".equals(uid)) {
            throw new IllegalStateException("needs root (it creates network namespaces, a bridge and tc qdiscs); run it as root or with sudo");
        }
        Procs.Result ns = Procs.tryRun(List.of("ip", "netns", "list"), null);
        if (ns.exit() != 0) throw new IllegalStateException("`ip netns` is not available (iproute2, network namespaces): " + ns.output().trim());
        Map<String, String> needed = new LinkedHashMap<>();
        needed.put("tc", "iproute2");
        needed.put("sha256sum", "coreutils");
        needed.put("curl", "curl");
        if (systems.contains("aria2")) {
            needed.put("aria2c", "aria2");
            needed.put("mktorrent", "mktorrent");
            needed.put("opentracker", "opentracker");
        }
        if (systems.contains("http")) needed.put("nginx", "nginx-light");
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> e : needed.entrySet()) {
            if (Procs.tryRun(List.of("sh", "-c", "command -v " + e.getKey() + " || test -x /usr/sbin/" + e.getKey()), null).exit() != 0) {
                missing.add(e.getValue());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("missing tools for the kernel benchmark; install them with: apt-get install -y --no-install-recommends "
                    + String.join(" ", missing.stream().distinct().toList()));
        }
    }

    private int runAll() throws Exception {
        Files.createDirectories(work);
        log.println("KERNEL id=" + topo.id() + " work=" + work + " scenario=" + scenario + " nodes=" + nodes + " size_mib=" + (size >> 20)
                + " namespaces=" + topo.ns(0) + ".." + topo.ns(nodes) + " bridge=" + topo.bridge() + " in " + topo.switchNs());
        source = BenchFiles.random(work.resolve("source").resolve(FILE), size, System.nanoTime());
        digest = BenchFiles.sha256(source);
        long[] up = new long[nodes + 1];
        long[] down = new long[nodes + 1];
        up[0] = scenario.sourceBytesPerSecond();
        down[0] = scenario.downloadBytesPerSecond();
        for (int i = 1; i <= nodes; i++) {
            up[i] = scenario.uploadBytesPerSecond(i - 1);
            down[i] = scenario.downloadBytesPerSecond();
        }
        long t = System.nanoTime();
        topo.create(up, down);
        log.printf(Locale.ROOT, "KERNEL topology ready: %d namespaces in %.1f s%n", nodes + 1, (System.nanoTime() - t) / 1e9);
        double fluid = fluid(up, down);
        Map<String, Result> results = new LinkedHashMap<>();
        for (String system : opts.systems) {
            log.println("KERNEL started system=" + system);
            long[] cpu0 = cpu();
            Result r = switch (system) {
                case "darner" -> darner();
                case "aria2" -> aria2();
                default -> http();
            };
            long[] cpu1 = cpu();
            double[] us = procs.userSystemSeconds();
            double user = us[0] - cpuAtStart[0], sys = us[1] - cpuAtStart[1], procCpu = user + sys;
            if (stopping) throw new IllegalStateException("interrupted during " + system);
            procs.stopAll();
            results.put(system, r);
            double busy = cpu1[1] == cpu0[1] ? 0 : 100.0 * (cpu1[0] - cpu0[0]) / (cpu1[1] - cpu0[1]);
            double all = Math.max(1, cpu1[1] - cpu0[1]);
            log.printf(Locale.ROOT, "KERNEL system=%s process_user_s=%.1f process_system_s=%.1f machine_pct user=%.0f system=%.0f softirq=%.0f%n", system,
                    user, sys,
                    100 * (cpu1[2] - cpu0[2]) / all, 100 * (cpu1[3] - cpu0[3]) / all, 100 * (cpu1[4] - cpu0[4]) / all);
            log.printf(Locale.ROOT, "KERNEL system=%s process_cpu_s=%.1f cpu_s_per_gb=%.2f (CPU of its processes during the timed transfer; "
                    + "processes that exited by the end, curl's, are not counted)%n", system, procCpu, procCpu / (nodes * (double) size / 1e9));
            log.printf(Locale.ROOT, "KERNEL system=%s machine_cpu_busy_pct=%.0f loadavg=%s times_s=%s%n", system, busy,
                    Files.readString(Path.of("/proc/loadavg")).trim(), Arrays.toString(r.times()));
            if (stopping) throw new IllegalStateException("interrupted during " + system);
            out.printf(Locale.ROOT, "BENCH kernel scenario=%s system=%s nodes=%d t_max_s=%.2f t_fluid_s=%.2f ratio=%.2f p99_s=%.2f verified=%d/%d%n",
                    scenario, system, nodes, r.tMax(), fluid, r.tMax() / fluid, r.p99(), r.verified(), nodes);
            out.flush();
            if (opts.timesCsv != null) writeTimes(r);
            deleteTree(work.resolve(system));
        }
        Result d = results.get("darner");
        if (stopping) throw new IllegalStateException("interrupted");
        if (d != null && results.size() > 1) {
            StringBuilder line = new StringBuilder("BENCH kernel scenario=" + scenario);
            for (Result r : results.values()) {
                if (r != d) line.append(String.format(Locale.ROOT, " %s_over_darner=%.2f", r.system(), r.tMax() / d.tMax()));
            }
            out.println(line);
        }
        boolean ok = results.values().stream().allMatch(r -> r.verified() == nodes);
        return ok ? 0 : 1;
    }

    private double fluid(long[] up, long[] down) {
        double f = size;
        double sumUp = 0;
        double dMin = Double.MAX_VALUE;
        for (int i = 1; i <= nodes; i++) {
            sumUp += up[i];
            dMin = Math.min(dMin, down[i]);
        }
        return Math.max(Math.max(f / up[0], f / dMin), nodes * f / (up[0] + sumUp));
    }

    // ---------------------------------------------------------------- Darner

    private Result darner() throws Exception {
        Path dir = Files.createDirectories(work.resolve("darner"));
        Path secret = dir.resolve("secret");
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        Files.write(secret, key);
        Path outDir = Files.createDirectories(dir.resolve("out"));
        Path logs = Files.createDirectories(dir.resolve("logs"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> sn = new ArrayList<>(List.of(java));
        sn.addAll(JvmOptions.forCommand("supernode"));
        sn.addAll(List.of("-jar", jar.toString(), "supernode", "--id", "sn-bench", "--listen", topo.ip(0) + ":" + SN_PORT,
                "--admin", SN_ADMIN, "--room", "bench", "--data-dir", dir.resolve("sn").toString(), "--secret-file", secret.toString()));
        Process snp = procs.start(topo.ns(0), sn, logs.resolve("supernode.log").toFile().toPath());
        awaitCondition("the supernode to answer", 60, () -> {
            if (!snp.isAlive()) throw new IllegalStateException("the supernode exited:\n" + tail(logs.resolve("supernode.log")));
            return Procs.tryRun(Procs.inNs(topo.ns(0), List.of("curl", "-sf", "http://" + SN_ADMIN + "/healthz")), null).exit() == 0;
        });
        List<Process> agents = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            List<String> a = new ArrayList<>(List.of(java));
            a.addAll(JvmOptions.forCommand("agent"));
            a.addAll(extraAgentFlags(i));
            a.addAll(List.of("-jar", jar.toString(), "agent", "--node-id", "node-" + i, "--supernode", topo.ip(0) + ":" + SN_PORT,
                    "--room", "bench", "--data-dir", dir.resolve("node-" + i).toString(), "--listen", topo.ip(i) + ":7400",
                    "--control", "127.0.0.1:7401", "--secret-file", secret.toString(), "--allow-dir", outDir.toString()));
            agents.add(procs.start(topo.ns(i), a, logs.resolve("node-" + i + ".log")));
        }
        awaitCondition("all " + nodes + " agents to join the supernode", 120, () -> {
            for (int i = 0; i < agents.size(); i++) {
                if (!agents.get(i).isAlive()) throw new IllegalStateException("agent node-" + (i + 1) + " exited:\n" + tail(logs.resolve("node-" + (i + 1) + ".log")));
            }
            JsonNode n = admin("GET", "/api/nodes", null);
            return n != null && n.path("nodes").size() >= nodes;
        });
        // untimed warm-ups of the same size (as in the in-process harness): JIT-compile the paths the timed run uses
        List<Path> warmTargets = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) warmTargets.add(outDir.resolve("warm-" + i + ".bin"));
        for (int w = 0; w < warmups; w++) {
            Path warm = BenchFiles.random(dir.resolve("warm").resolve("warm-" + w + ".bin"), size, System.nanoTime());
            darnerTask(warm, BenchFiles.sha256(warm), warmTargets);
            Files.delete(warm);
            for (Path p : warmTargets) Files.deleteIfExists(p);
        }
        log.println("KERNEL darner warmed up");

        List<Path> targets = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) targets.add(outDir.resolve("node-" + i + ".bin"));
        try (MemoryReserve ignored = reserve()) {
            cpuAtStart = procs.userSystemSeconds();
            Instant t0 = Instant.now();
            darnerTask(source, digest, targets);
            return result("darner", t0, targets, targets);
        }
    }

    /** Every system's timed run writes into memory in use a moment ago (see {@link MemoryReserve}). */
    private MemoryReserve reserve() throws IOException {
        long bytes = (nodes + 2) * size;
        long t = System.nanoTime();
        MemoryReserve r = MemoryReserve.hold(work, bytes);
        log.printf(Locale.ROOT, "KERNEL prefaulted %d MiB of memory in %.1f s%n", bytes >> 20, (System.nanoTime() - t) / 1e9);
        return r;
    }

    /** Experiments: {@code DARNER_BENCH_AGENT_OPTS} adds JVM flags to every agent ({@code %n} in a flag becomes the node's number). */
    private static List<String> extraAgentFlags(int node) {
        String v = System.getenv("DARNER_BENCH_AGENT_OPTS");
        if (v == null || v.isBlank()) return List.of();
        return java.util.Arrays.stream(v.trim().split("\\s+")).map(f -> f.replace("%n", String.valueOf(node))).toList();
    }

    /** Submits a task of {@code file} to every node and waits until each target exists or the supernode reports the node failed. */
    private void darnerTask(Path file, String sha, List<Path> targets) throws Exception {
        Map<String, Object> t = new LinkedHashMap<>();
        for (int i = 1; i <= nodes; i++) t.put("node-" + i, targets.get(i - 1).toString());
        JsonNode r = admin("POST", "/api/tasks", JSON.writeValueAsString(Map.of("source", file.toUri().toString(), "digest", sha, "targets", t)));
        if (r == null || !r.hasNonNull("taskId")) throw new IllegalStateException("the supernode refused the task: " + r);
        String taskId = r.get("taskId").asText();
        long[] lastApi = {0};
        boolean[] allDone = {false};
        awaitCondition("every node to finish task " + taskId, deadlineSeconds, () -> {
            if (targets.stream().allMatch(Files::exists)) return true;
            if (System.nanoTime() - lastApi[0] > 1_000_000_000L) {
                lastApi[0] = System.nanoTime();
                JsonNode tasks = admin("GET", "/api/tasks", null);
                if (tasks != null) {
                    for (JsonNode task : tasks.path("tasks")) {
                        if (!taskId.equals(task.path("taskId").asText())) continue;
                        if (task.path("members").size() < nodes) return false;
                        boolean done = true;
                        for (JsonNode m : task.path("members")) {
                            if (!m.path("done").asBoolean()) done = false;
                            else if (!m.path("success").asBoolean()) log.println("KERNEL darner " + m.path("nodeId").asText() + " failed: " + m.path("message").asText());
                        }
                        allDone[0] = done;
                    }
                }
            }
            return allDone[0];
        });
    }

    private JsonNode admin(String method, String path, String body) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-X", method));
        if (body != null) cmd.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", "@-"));
        cmd.add("http://" + SN_ADMIN + path);
        Procs.Result r = Procs.tryRun(Procs.inNs(topo.ns(0), cmd), body);
        if (r.exit() != 0) return null;
        try {
            return JSON.readTree(r.output());
        } catch (IOException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- aria2

    private List<String> aria2Common() {
        return new ArrayList<>(List.of("aria2c", "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
                "--enable-peer-exchange=false", "--listen-port=6881", "--file-allocation=none", "--console-log-level=warn",
                "--summary-interval=0", "--follow-torrent=false", "--disable-ipv6=true", "--auto-file-renaming=false",
                "--allow-overwrite=true", "--seed-ratio=0.0", "--seed-time=60", "--bt-max-peers=55",
                "--stop-with-process=" + ProcessHandle.current().pid()));
    }

    private Result aria2() throws Exception {
        Path dir = Files.createDirectories(work.resolve("aria2"));
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path torrent = dir.resolve("payload.torrent");
        Procs.run(List.of("mktorrent", "-p", "-l", "18", "-a", "http://" + topo.ip(0) + ":" + TRACKER_PORT + "/announce",
                "-o", torrent.toString(), source.toString()));
        Matcher m = Pattern.compile("Info Hash: ([0-9a-fA-F]{40})").matcher(Procs.run(List.of("aria2c", "-S", torrent.toString())));
        if (!m.find()) throw new IllegalStateException("aria2c -S did not print the info hash of " + torrent);
        String infoHash = m.group(1).toLowerCase(Locale.ROOT);
        Path trackerRoot = Files.createDirectories(dir.resolve("tracker"));
        Files.writeString(trackerRoot.resolve("whitelist.txt"), infoHash + "\n");
        worldReadable(trackerRoot);
        // the Debian opentracker chroots to -d and reads the whitelist inside it
        Process tracker = procs.start(topo.ns(0), List.of("opentracker", "-i", topo.ip(0), "-p", String.valueOf(TRACKER_PORT),
                "-P", String.valueOf(TRACKER_PORT), "-d", trackerRoot.toString(), "-u", "nobody", "-w", "whitelist.txt"), logs.resolve("tracker.log"));
        List<String> seed = aria2Common();
        seed.addAll(List.of("--dir=" + source.getParent(), "--bt-seed-unverified=true", "--check-integrity=false", torrent.toString()));
        Process seeder = procs.start(topo.ns(0), seed, logs.resolve("seeder.log"));
        StringBuilder hashEsc = new StringBuilder();
        for (int i = 0; i < 40; i += 2) hashEsc.append('%').append(infoHash, i, i + 2);
        awaitCondition("the tracker to report the seed", 60, () -> {
            if (!tracker.isAlive()) throw new IllegalStateException("opentracker exited:\n" + tail(logs.resolve("tracker.log")));
            if (!seeder.isAlive()) throw new IllegalStateException("the aria2 seeder exited:\n" + tail(logs.resolve("seeder.log")));
            Procs.Result r = Procs.tryRun(Procs.inNs(topo.ns(1), List.of("curl", "-s", "http://" + topo.ip(0) + ":" + TRACKER_PORT
                    + "/scrape?info_hash=" + hashEsc)), null);
            Matcher c = Pattern.compile("completei(\\d+)e").matcher(r.output());
            return r.exit() == 0 && c.find() && Integer.parseInt(c.group(1)) >= 1;
        });
        Path hook = dir.resolve("done.sh");
        Files.writeString(hook, "#!/bin/sh\ntouch \"$3.done\"\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<Path> files = new ArrayList<>();
        List<Path> markers = new ArrayList<>();
        List<Process> leechers = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            Path d = Files.createDirectories(dir.resolve("n" + i));
            files.add(d.resolve(FILE));
            markers.add(d.resolve(FILE + ".done"));
        }
        try (MemoryReserve ignored = reserve()) {
            cpuAtStart = procs.userSystemSeconds();
            Instant t0 = Instant.now();
            for (int i = 1; i <= nodes; i++) {
                List<String> l = aria2Common();
                l.addAll(List.of("--dir=" + dir.resolve("n" + i), "--on-bt-download-complete=" + hook, torrent.toString()));
                leechers.add(procs.start(topo.ns(i), l, logs.resolve("n" + i + ".log")));
            }
            awaitCondition("every aria2 leecher to complete", deadlineSeconds, () -> {
                for (int i = 0; i < nodes; i++) {
                    if (!Files.exists(markers.get(i)) && !leechers.get(i).isAlive()) return true; // failed: verification will say
                }
                return markers.stream().allMatch(Files::exists);
            });
            return result("aria2", t0, files, markers);
        }
    }

    // ---------------------------------------------------------------- HTTP

    private Result http() throws Exception {
        Path dir = Files.createDirectories(work.resolve("http"));
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        String conf = "daemon off;\nmaster_process off;\nworker_processes 1;\npid " + dir.resolve("nginx.pid") + ";\n"
                + "error_log " + logs.resolve("error.log") + " warn;\nevents { worker_connections 1024; }\n"
                + "http {\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n"
                + "  client_body_temp_path " + tmp + "/body;\n  proxy_temp_path " + tmp + "/proxy;\n  fastcgi_temp_path " + tmp + "/fcgi;\n"
                + "  uwsgi_temp_path " + tmp + "/uwsgi;\n  scgi_temp_path " + tmp + "/scgi;\n"
                + "  types { application/octet-stream bin; }\n"
                + "  server { listen " + topo.ip(0) + ":" + HTTP_PORT + "; root " + source.getParent() + "; }\n}\n";
        Path confFile = Files.writeString(dir.resolve("nginx.conf"), conf);
        Process nginx = procs.start(topo.ns(0), List.of("nginx", "-p", dir.toString(), "-e", logs.resolve("error.log").toString(),
                "-c", confFile.toString()), logs.resolve("nginx.log"));
        String url = "http://" + topo.ip(0) + ":" + HTTP_PORT + "/" + FILE;
        awaitCondition("nginx to answer", 30, () -> {
            if (!nginx.isAlive()) throw new IllegalStateException("nginx exited:\n" + tail(logs.resolve("nginx.log")) + tail(logs.resolve("error.log")));
            return Procs.tryRun(Procs.inNs(topo.ns(1), List.of("curl", "-sfI", url)), null).exit() == 0;
        });
        List<Path> files = new ArrayList<>();
        List<Process> curls = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) files.add(dir.resolve("n" + i + ".bin"));
        try (MemoryReserve ignored = reserve()) {
            cpuAtStart = procs.userSystemSeconds();
            Instant t0 = Instant.now();
            for (int i = 1; i <= nodes; i++) {
                curls.add(procs.start(topo.ns(i), List.of("curl", "-sS", "--fail", "-o", files.get(i - 1).toString(), url), logs.resolve("n" + i + ".log")));
            }
            awaitCondition("every curl to finish", deadlineSeconds, () -> curls.stream().noneMatch(Process::isAlive));
            List<Path> doneFiles = new ArrayList<>();
            for (int i = 0; i < nodes; i++) doneFiles.add(curls.get(i).exitValue() == 0 ? files.get(i) : dir.resolve("missing-" + i));
            return result("http", t0, files, doneFiles);
        }
    }

    // ---------------------------------------------------------------- common

    /** Times from each completion marker's mtime (absent: not finished); verified = files whose SHA-256 is the source's. */
    private Result result(String system, Instant t0, List<Path> files, List<Path> markers) throws IOException {
        List<Double> times = new ArrayList<>();
        for (Path mk : markers) {
            if (Files.exists(mk)) {
                Instant done = Files.getLastModifiedTime(mk).toInstant();
                times.add(Math.max(0, java.time.Duration.between(t0, done).toNanos() / 1e9));
            }
        }
        int verified = 0;
        List<String> present = files.stream().filter(Files::exists).map(Path::toString).toList();
        if (!present.isEmpty()) {
            List<String> cmd = new ArrayList<>(List.of("sha256sum"));
            cmd.addAll(present);
            String hex = digest.substring("sha256:".length());
            for (String line : Procs.tryRun(cmd, null).output().split("\n")) {
                if (line.startsWith(hex + " ")) verified++;
            }
        }
        return new Result(system, times.stream().mapToDouble(Double::doubleValue).toArray(), verified);
    }

    private void writeTimes(Result r) throws IOException {
        boolean header = !Files.exists(opts.timesCsv);
        StringBuilder b = new StringBuilder(header ? "scenario,system,node,seconds\n" : "");
        double[] s = r.times().clone();
        Arrays.sort(s);
        for (int i = 0; i < s.length; i++) b.append(String.format(Locale.ROOT, "%s,%s,%d,%.3f%n", scenario, r.system(), i + 1, s[i]));
        Files.writeString(opts.timesCsv, b, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private void awaitCondition(String what, long seconds, BooleanSupplier condition) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (stopping) throw new IllegalStateException("interrupted waiting for " + what);
            if (System.nanoTime() > deadline) throw new IllegalStateException("timed out after " + seconds + " s waiting for " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what);
            }
        }
    }

    /**
     * Removes everything the run made. Called by the main thread when the run ends and by the
     * shutdown hook on SIGINT/SIGTERM: whichever comes second waits for the first to finish, since
     * the JVM halts as soon as its hook returns, which would cut the main thread's cleanup short.
     */
    private void cleanup() {
        stopping = true;
        if (!cleaned.compareAndSet(false, true)) {
            try {
                cleanedUp.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            removeAll();
        } finally {
            cleanedUp.countDown();
        }
    }

    private void removeAll() {
        try {
            procs.close();
        } catch (RuntimeException e) {
            log.println("KERNEL cleanup: " + e.getMessage());
        }
        try {
            topo.close();
        } catch (RuntimeException e) {
            log.println("KERNEL cleanup: " + e.getMessage());
        }
        // a process that was just killed may still have had a file vanish mid-walk: walk again
        for (int attempt = 1; ; attempt++) {
            try {
                deleteTree(work);
                break;
            } catch (IOException | RuntimeException e) { // UncheckedIOException from the walk included
                if (attempt == 3) {
                    log.println("KERNEL cleanup: cannot delete " + work + ": " + e.getMessage());
                    break;
                }
            }
        }
        log.println("KERNEL cleaned up id=" + topo.id());
    }

    private static long[] cpu() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < f.length; i++) total += Long.parseLong(f[i]);
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        // busy, total, user (+nice), system, softirq (where veth and bridge forwarding mostly runs)
        return new long[]{total - idle, total, Long.parseLong(f[1]) + Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[7])};
    }

    private static void worldReadable(Path dir) throws IOException {
        for (Path p = dir; p != null; p = p.getParent()) {
            if (p.toString().equals("/") || p.toString().equals("/tmp") || p.toString().equals("/dev/shm")) break;
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }



    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
