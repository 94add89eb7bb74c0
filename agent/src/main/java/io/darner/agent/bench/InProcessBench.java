package io.darner.agent.bench;

import io.darner.engine.api.PeerConfig;
import io.darner.engine.api.TaskHandle;
import io.darner.engine.api.TaskResult;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.net.Transport;
import io.darner.engine.peer.PeerNode;
import io.darner.engine.supernode.Supernode;
import io.darner.engine.supernode.SupernodeConfig;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One supernode and N peers in this JVM on emulated hosts (see {@link EmulatedLinks}); times a
 * scenario's file from the moment every node is told to fetch it until the last node holds the
 * verified file at its target path. The harness checks every target's SHA-256 itself.
 */
final class InProcessBench {
    private static final InetAddress SOURCE_HOST = address(127, 0, 1, 1);

    record Report(Scenario scenario, double tMax, double tFluid, double p50, double p99, double originEgressRatio,
                  double dupPct, double cpuSecondsPerGb, int verified) {
        String line() {
            return String.format(Locale.ROOT,
                    "BENCH scenario=%s nodes=%d size_mib=%d t_max_s=%.2f t_fluid_s=%.2f ratio=%.2f p50_s=%.2f p99_s=%.2f "
                            + "origin_egress_ratio=%.2f dup_pct=%.1f cpu_s_per_gb=%.2f verified=%d/%d over_bound_ms=%.0f",
                    scenario, scenario.nodes, scenario.sizeMiB, tMax, tFluid, tMax / tFluid, p50, p99, originEgressRatio,
                    dupPct, cpuSecondsPerGb, verified, scenario.nodes, (tMax - tFluid) * 1000);
        }
    }

    private final Scenario scenario;
    private final Path work;
    private final int threads;
    private final int warmups;
    private final boolean countHeaders;
    private final boolean timeline = Boolean.getBoolean("darner.bench.timeline");

    /** @param countHeaders see {@link EmulatedLinks#EmulatedLinks(boolean)} */
    InProcessBench(Scenario scenario, Path work, int threads, int warmups, boolean countHeaders) {
        this.countHeaders = countHeaders;
        this.scenario = scenario;
        this.work = work;
        this.threads = threads;
        this.warmups = warmups;
    }

    Report run() throws Exception {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        EmulatedLinks links = new EmulatedLinks(countHeaders);
        links.addHost(SOURCE_HOST, scenario.sourceBytesPerSecond(), 10_000_000_000L);
        List<InetAddress> nodeHosts = new ArrayList<>();
        for (int i = 0; i < scenario.nodes; i++) {
            InetAddress a = address(127, 0, 2 + i / 250, 1 + i % 250);
            nodeHosts.add(a);
            links.addHost(a, scenario.uploadBytesPerSecond(i), scenario.downloadBytesPerSecond());
        }
        List<PeerNode> nodes = new ArrayList<>();
        try (Transport base = Transport.create(threads)) {
            Transport transport = base.withDecorator(links::decorate);
            SupernodeConfig snc = new SupernodeConfig("bench-sn", "bench", work.resolve("supernode"),
                    new InetSocketAddress(SOURCE_HOST, 0), new InetSocketAddress(SOURCE_HOST, 0), secret, 0,
                    Duration.ofSeconds(2), Integer.getInteger("darner.bench.maxParents", SupernodeConfig.DEFAULT_MAX_PARENTS), SupernodeConfig.DEFAULT_SEED_FANOUT);
            try (Supernode sn = Supernode.start(snc, transport)) {
                for (int i = 0; i < scenario.nodes; i++) {
                    String id = String.format("node-%02d", i);
                    PeerConfig pc = new PeerConfig(id, "bench", work.resolve(id), new InetSocketAddress(nodeHosts.get(i), 0),
                            List.of(sn.controlAddress()), secret, 0, 0, scenario.uploadBytesPerSecond(i), tuning());
                    nodes.add(PeerNode.start(pc, transport));
                }
                CompletableFuture.allOf(nodes.stream().map(PeerNode::registration).toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                for (int w = 0; w < warmups; w++) {
                    // the JIT compiles the hot paths before the timed run; each round is new content, as the timed one is
                    Path warm = BenchFiles.random(work.resolve("warmup.bin"), Math.max(64L << 20, scenario.sizeBytes()), 7 + w);
                    distribute(nodes, sn, warm, "warmup.bin");
                    for (PeerNode n : nodes) Files.deleteIfExists(n.dataDir().resolve("out/warmup.bin"));
                    Files.delete(warm);
                }
                Path source = BenchFiles.random(work.resolve("source.bin"), scenario.sizeBytes(), 42);
                if ("false".equals(System.getProperty("darner.bench.prefault"))) return distribute(nodes, sn, source, "file.bin");
                try (MemoryReserve ignored = MemoryReserve.hold(work, (scenario.nodes + 2L) * scenario.sizeBytes())) {
                    return distribute(nodes, sn, source, "file.bin");
                }
            } finally {
                for (PeerNode n : nodes) n.close();
            }
        }
    }

    private Report distribute(List<PeerNode> nodes, Supernode sn, Path source, String targetName) throws Exception {
        String expected = BenchFiles.sha256(source);
        long size = Files.size(source);
        TaskSpec proto = TaskSpec.of(source.toUri().toString(), null, null);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long seed0 = sn.seedUploadedBytes();
        long peers0 = nodes.stream().mapToLong(PeerNode::uploadedBytes).sum();
        long[] up0 = nodes.stream().mapToLong(PeerNode::uploadedBytes).toArray();
        double[] done = new double[nodes.size()];
        List<CompletableFuture<TaskResult>> results = new ArrayList<>();
        List<Path> targets = new ArrayList<>();
        for (PeerNode n : nodes) {
            Path out = n.dataDir().resolve("out");
            Files.createDirectories(out);
            targets.add(out.resolve(targetName));
        }
        long[] verifiedBytes = new long[nodes.size()];
        long t0 = System.nanoTime();
        for (int i = 0; i < nodes.size(); i++) {
            int k = i;
            TaskHandle h = nodes.get(i).download(new TaskSpec(proto.source(), null, targets.get(i)));
            h.onProgress(p -> verifiedBytes[k] = p.verifiedBytes());
            results.add(h.result().whenComplete((r, e) -> done[k] = (System.nanoTime() - t0) / 1e9));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(results.toArray(CompletableFuture[]::new));
        while (!all.isDone()) {
            try {
                all.get(timeline ? Long.getLong("darner.bench.timelineMillis", 1000) : 1_200_000, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                long[] v = verifiedBytes.clone();
                Arrays.sort(v);
                long peersOut = nodes.stream().mapToLong(PeerNode::uploadedBytes).sum() - peers0;
                System.out.printf(Locale.ROOT, "# t=%5.1fs seed_out=%6.1f MB peers_out=%7.1f MB nodes_verified_mb min=%6.1f median=%6.1f max=%6.1f%n",
                        (System.nanoTime() - t0) / 1e9, (sn.seedUploadedBytes() - seed0) / 1e6, peersOut / 1e6, v[0] / 1e6, v[v.length / 2] / 1e6, v[v.length - 1] / 1e6);
            }
        }
        long cpu1 = os.getProcessCpuTime();
        long received = 0, dup = 0;
        int verified = 0;
        for (int i = 0; i < nodes.size(); i++) {
            TaskResult r = results.get(i).join();
            if (!r.success()) System.out.println("# " + r.nodeId() + " failed: " + r.message());
            received += r.stats().receivedBytes();
            dup += r.stats().duplicateBytes();
            if (Files.isRegularFile(targets.get(i)) && BenchFiles.sha256(targets.get(i)).equals(expected)) verified++;
        }
        if (timeline) {
            StringBuilder order = new StringBuilder("# completion order:");
            Integer[] idx = new Integer[done.length];
            for (int i = 0; i < idx.length; i++) idx[i] = i;
            Arrays.sort(idx, Comparator.comparingDouble(i -> done[i]));
            for (Integer i : idx) order.append(String.format(Locale.ROOT, " %d:%.2f", i, done[i]));
            System.out.println(order);
            StringBuilder ups = new StringBuilder("# uploaded MB per node:");
            for (int i = 0; i < nodes.size(); i++) ups.append(String.format(Locale.ROOT, " %d:%.0f", i, (nodes.get(i).uploadedBytes() - up0[i]) / 1e6));
            System.out.println(ups);
        }
        double[] sorted = done.clone();
        Arrays.sort(sorted);
        double tMax = sorted[sorted.length - 1];
        double cpuSeconds = (cpu1 - cpu0) / 1e9;
        double gb = (double) size * nodes.size() / 1e9;
        double seedOut = sn.seedUploadedBytes() - seed0;
        System.out.printf(Locale.ROOT, "# %s: caps source %.2f MB/s up; nodes %.2f MB/s down; process CPU %.2f s over %.2f s on %d cores (%.0f%% of the machine); seed upload %.2f MB/s%n",
                targetName, scenario.sourceUploadMBs, scenario.downloadMBs, cpuSeconds, tMax, Runtime.getRuntime().availableProcessors(),
                100 * cpuSeconds / tMax / Runtime.getRuntime().availableProcessors(), seedOut / tMax / 1e6);
        return new Report(scenario, tMax, scenario.fluidBoundSeconds() * size / scenario.sizeBytes(), percentile(sorted, 0.50), percentile(sorted, 0.99),
                seedOut / size, received == 0 ? 0 : 100.0 * dup / received, gb == 0 ? 0 : cpuSeconds / gb, verified);
    }

    /** Pipeline settings, overridable with -Ddarner.tuning=perParent,atSeed,maxOutstanding,endgame for experiments. */
    private static PeerConfig.Tuning tuning() {
        String t = System.getProperty("darner.tuning");
        if (t == null) return PeerConfig.Tuning.DEFAULT;
        String[] v = t.split(",");
        PeerConfig.Tuning d = PeerConfig.Tuning.DEFAULT;
        return new PeerConfig.Tuning(Integer.parseInt(v[0]), Integer.parseInt(v[1]), Integer.parseInt(v[2]), Integer.parseInt(v[3]),
                d.requestTimeout(), d.stallTimeout(), d.progressInterval());
    }

    private static double percentile(double[] sorted, double p) {
        int idx = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }



    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
