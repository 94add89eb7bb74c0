package io.darner.agent.bench;

import io.darner.engine.api.PeerConfig;
import io.darner.engine.api.RateLimits;
import io.darner.engine.api.TaskHandle;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.net.Transport;
import io.darner.engine.peer.PeerNode;
import io.darner.engine.supernode.Supernode;
import io.darner.engine.supernode.SupernodeConfig;
import io.darner.engine.supernode.SwarmTask;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Two tenants' tasks on the same nodes, with the limits the control plane hands out for a tenant
 * bandwidth policy, submitted to a real supernode and carried by its task commands to real peers
 * (one JVM, loopback; each node has its own 1 Gbit/s download cap, on which the policy stacks):
 * <ul>
 *   <li>tenant {@code alpha}, per-node cap {@value #TENANT_CAP_MBS} MB/s, runs two tasks at once: they share the cap;</li>
 *   <li>tenant {@code beta}, origin egress cap {@value #ORIGIN_CAP_MBS} MB/s, runs a task capped at
 *       {@value #TASK_CAP_MBS} MB/s and an uncapped one that only the seed's cap holds back.</li>
 * </ul>
 * Each rate is the slope of a byte counter sampled every 50 ms, between the samples where it
 * passed 10% and 90% of its final value (start-up and end-game left out): per node, alpha's two
 * tasks' verified bytes together and the capped task's; the seed's uploaded bytes of beta's
 * tasks. Node figures are the mean over the nodes. Every target is checked with SHA-256.
 */
final class PolicyBench {
    static final int TENANT_CAP_MBS = 20, TASK_CAP_MBS = 5, ORIGIN_CAP_MBS = 30;
    private static final int NODES = 4;
    private static final long NODE_DOWNLOAD = 125_000_000L;
    /** Each capped quantity runs about this long. */
    private static final double SECONDS = 6.4;

    record Report(double tenantMbs, double taskMbs, double originMbs, int verified, int targets) {
        String line() {
            return String.format(Locale.ROOT, "BENCH policy tenant_cap_mbs=%d measured_mbs=%.1f task_cap_mbs=%d measured_task_mbs=%.1f "
                            + "origin_cap_mbs=%d measured_origin_mbs=%.1f verified=%d/%d",
                    TENANT_CAP_MBS, tenantMbs, TASK_CAP_MBS, taskMbs, ORIGIN_CAP_MBS, originMbs, verified, targets);
        }
    }

    private final Path work;

    PolicyBench(Path work) {
        this.work = work;
    }

    Report run() throws Exception {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        InetAddress lo = InetAddress.getLoopbackAddress();
        List<PeerNode> nodes = new ArrayList<>();
        // progress every 20 ms: the sampled counters lag the bytes by at most that
        PeerConfig.Tuning d = PeerConfig.Tuning.DEFAULT;
        PeerConfig.Tuning tuning = new PeerConfig.Tuning(d.requestsPerParent(), d.requestsAtSeed(), d.maxOutstanding(), d.endgamePieces(),
                d.requestTimeout(), d.stallTimeout(), Duration.ofMillis(20));
        try (Transport transport = Transport.create(4);
             Supernode sn = Supernode.start(new SupernodeConfig("policy-sn", "bench", work.resolve("supernode"), new InetSocketAddress(lo, 0),
                     new InetSocketAddress(lo, 0), secret, 0, SupernodeConfig.DEFAULT_HEARTBEAT, SupernodeConfig.DEFAULT_MAX_PARENTS,
                     SupernodeConfig.DEFAULT_SEED_FANOUT), transport)) {
            try {
                for (int i = 0; i < NODES; i++) {
                    String id = "node-" + i;
                    nodes.add(PeerNode.start(new PeerConfig(id, "bench", work.resolve(id), new InetSocketAddress(lo, 0), List.of(sn.controlAddress()),
                            secret, 0, NODE_DOWNLOAD, 0, tuning, null), transport));
                }
                CompletableFuture.allOf(nodes.stream().map(PeerNode::registration).toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

                long mb = 1_000_000L;
                RateLimits alpha = new RateLimits(0, "tenant:alpha", TENANT_CAP_MBS * mb, 0);
                RateLimits betaCapped = new RateLimits(TASK_CAP_MBS * mb, "tenant:beta", 0, ORIGIN_CAP_MBS * mb);
                RateLimits beta = new RateLimits(0, "tenant:beta", 0, ORIGIN_CAP_MBS * mb);
                List<Job> jobs = List.of(
                        new Job("alpha-1", size(TENANT_CAP_MBS / 2.0), alpha),
                        new Job("alpha-2", size(TENANT_CAP_MBS / 2.0), alpha),
                        new Job("beta-capped", size(TASK_CAP_MBS), betaCapped),
                        // the seed sends the capped task's pieces too: the rest of its cap is this one's
                        new Job("beta", size(ORIGIN_CAP_MBS - TASK_CAP_MBS), beta));
                for (Job j : jobs) j.prepare();

                Sampler sampler = new Sampler();
                for (int n = 0; n < NODES; n++) {
                    int k = n;
                    sampler.add("alpha@" + n, () -> jobs.get(0).verified.get(k) + jobs.get(1).verified.get(k));
                    sampler.add("capped@" + n, () -> jobs.get(2).verified.get(k));
                }
                sampler.add("origin", () -> sn.seedUploadedBytes(jobs.get(2).spec.taskId()) + sn.seedUploadedBytes(jobs.get(3).spec.taskId()));
                sampler.start();

                List<CompletableFuture<Map<String, SwarmTask.NodeOutcome>>> outcomes = new ArrayList<>();
                for (Job j : jobs) outcomes.add(j.submit(sn, nodes));
                for (Job j : jobs) j.watch(nodes);
                CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
                sampler.stop();

                int verified = 0, targets = 0;
                for (int i = 0; i < jobs.size(); i++) {
                    for (SwarmTask.NodeOutcome o : outcomes.get(i).join().values()) {
                        if (!o.success()) System.out.println("# " + jobs.get(i).name + " on " + o.nodeId() + " failed: " + o.message());
                    }
                    for (int n = 0; n < NODES; n++) {
                        targets++;
                        Path t = jobs.get(i).target(n);
                        if (Files.isRegularFile(t) && BenchFiles.sha256(t).equals(jobs.get(i).digest)) verified++;
                    }
                }
                double tenant = 0, task = 0;
                for (int n = 0; n < NODES; n++) {
                    tenant += sampler.rate("alpha@" + n) / NODES;
                    task += sampler.rate("capped@" + n) / NODES;
                }
                System.out.println("# per node, MB/s: " + sampler.summary());
                return new Report(tenant / mb, task / mb, sampler.rate("origin") / mb, verified, targets);
            } finally {
                for (PeerNode n : nodes) n.close();
            }
        }
    }

    /** A file that takes about {@link #SECONDS} at {@code mbs} MB/s. */
    private static long size(double mbs) {
        return (long) (mbs * 1_000_000 * SECONDS);
    }

    /** One task: a random source of {@code size} bytes, sent to every node with {@code limits}. */
    private final class Job {
        final String name;
        final long size;
        final RateLimits limits;
        final AtomicLongArray verified = new AtomicLongArray(NODES);
        TaskSpec spec;
        String digest;

        Job(String name, long size, RateLimits limits) {
            this.name = name;
            this.size = size;
            this.limits = limits;
        }

        void prepare() throws Exception {
            Path source = BenchFiles.random(work.resolve(name + ".src"), size, name.hashCode());
            digest = BenchFiles.sha256(source);
            spec = TaskSpec.of(source.toUri().toString(), null, null).withLimits(limits);
        }

        Path target(int node) {
            return work.resolve("node-" + node).resolve("out").resolve(name + ".bin");
        }

        CompletableFuture<Map<String, SwarmTask.NodeOutcome>> submit(Supernode sn, List<PeerNode> nodes) throws Exception {
            Map<String, Path> targets = new LinkedHashMap<>();
            for (int n = 0; n < NODES; n++) {
                Files.createDirectories(target(n).getParent());
                targets.put(nodes.get(n).nodeId(), target(n));
            }
            return sn.submit(spec, targets).get(30, TimeUnit.SECONDS).outcomes();
        }

        /** Follows the task's verified bytes on every node, once the node has received the task's command. */
        void watch(List<PeerNode> nodes) throws InterruptedException {
            for (int n = 0; n < NODES; n++) {
                int k = n;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                TaskHandle h;
                while ((h = nodes.get(n).task(spec.taskId()).orElse(null)) == null) {
                    if (System.nanoTime() > deadline) throw new IllegalStateException(nodes.get(n).nodeId() + " did not receive task " + name);
                    Thread.sleep(1); // polls for the command's arrival; bounded by the deadline
                }
                h.onProgress(p -> verified.accumulateAndGet(k, p.verifiedBytes(), Math::max));
            }
        }
    }

    /** Samples named byte counters every 50 ms; a rate is a counter's slope from 10% to 90% of its last value. */
    private static final class Sampler {
        private final Map<String, LongSupplier> counters = new LinkedHashMap<>();
        private final Map<String, List<long[]>> samples = new LinkedHashMap<>();
        private Thread thread;
        private volatile boolean running = true;

        void add(String name, LongSupplier counter) {
            counters.put(name, counter);
            samples.put(name, new ArrayList<>());
        }

        void start() {
            thread = new Thread(() -> {
                while (running) {
                    long now = System.nanoTime();
                    counters.forEach((name, c) -> samples.get(name).add(new long[] {now, c.getAsLong()}));
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "policy-bench-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
            long now = System.nanoTime();
            counters.forEach((name, c) -> samples.get(name).add(new long[] {now, c.getAsLong()}));
        }

        /** Bytes per second. */
        double rate(String name) {
            List<long[]> s = samples.get(name);
            long last = s.get(s.size() - 1)[1];
            long[] from = first(s, last / 10), to = first(s, last * 9 / 10);
            return to[0] == from[0] ? 0 : (to[1] - from[1]) * 1e9 / (to[0] - from[0]);
        }

        String summary() {
            StringBuilder b = new StringBuilder();
            for (String name : counters.keySet()) b.append(String.format(Locale.ROOT, "%s=%.2f ", name, rate(name) / 1e6));
            return b.toString().trim();
        }

        private static long[] first(List<long[]> s, long atLeast) {
            for (long[] x : s) if (x[1] >= atLeast) return x;
            return s.get(s.size() - 1);
        }
    }
}
