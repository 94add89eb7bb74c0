package io.darner.agent.bench;

import io.darner.agent.bench.kernel.KernelBench;
import io.darner.agent.bench.kernel.KernelOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {
                "Runs the in-process benchmark: one supernode and N peers in this JVM distribute a random file.",
                "Each peer has its own loopback address behind emulated upload/download caps.",
                "Ends with one line: BENCH scenario=.. nodes=.. size_mib=.. t_max_s=.. t_fluid_s=.. ratio=..",
                "p50_s=.. p99_s=.. origin_egress_ratio=.. dup_pct=.. cpu_s_per_gb=.. verified=N/N over_bound_ms=..",
                "Scenarios (BENCHMARKS.md): A 16 nodes, 25 MB/s, 128 MiB; B as A but 8 nodes upload 6.25 MB/s;",
                "C 64 nodes, 6.25 MB/s, 32 MiB; D 16 nodes, 25 MB/s, 8 MiB.",
                "With --memory: starts one supernode and 3 agent processes (child JVMs of this jar, with the JVM flags "
                        + "./darner gives `darner agent` and `darner supernode`), moves a 1 GiB file through them, samples "
                        + "each process's resident memory from /proc (VmRSS while running, VmHWM at the end), checks every "
                        + "target's SHA-256 and ends with one line:",
                "BENCH memory size_mib=1024 agents=3 agent_rss_max_mib=.. supernode_rss_max_mib=.. verified=3/3",
                "With --policy: one supernode and 4 peers in this JVM run two tenants' tasks at once with the limits a tenant "
                        + "bandwidth policy hands out: tenant alpha (20 MB/s per node) runs two tasks that share its cap; tenant beta "
                        + "(origin egress 30 MB/s on the seed) runs a task capped at 5 MB/s and an uncapped one. Each rate is measured "
                        + "between 10%% and 90%% of its bytes; ends with one line:",
                "BENCH policy tenant_cap_mbs=20 measured_mbs=.. task_cap_mbs=5 measured_task_mbs=.. origin_cap_mbs=30 measured_origin_mbs=.. verified=16/16"})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--scenario", description = "A, B, C or D (default: ${DEFAULT-VALUE})", defaultValue = "A")
    Scenario scenario;

    @Option(names = "--dir", description = "Working directory for sources, piece stores and targets (default: a new directory under /dev/shm when it exists (and, with --memory, has room for 9 copies of the file), else the system temp directory)")
    Path dir;

    @Option(names = "--warmups", paramLabel = "N", defaultValue = "8",
            description = "Untimed distributions of a file like the scenario's before the timed one, so that the JIT has compiled "
                    + "the hot paths (a long-running agent's state); 0 times a cold start (default: ${DEFAULT-VALUE})")
    int warmups;

    @Option(names = "--count-headers",
            description = "In-process harness: the emulated links' caps count TCP/IP/Ethernet headers (66 bytes per 1,448-byte "
                    + "segment), as tc in the kernel harness and a real NIC do; without it they carry the cap in payload. "
                    + "T_fluid stays the payload bound")
    boolean countHeaders;

    @Option(names = "--threads", description = "Event loop threads (default: ${DEFAULT-VALUE})", defaultValue = "4")
    int threads;

    @Option(names = "--memory", description = "Run the memory benchmark (real agent processes) instead of a scenario")
    boolean memory;

    @Option(names = "--policy", description = "Run the bandwidth policy benchmark (tenant, task and origin caps) instead of a scenario")
    boolean policy;

    @Option(names = "--size-mib", paramLabel = "MIB", defaultValue = "1024",
            description = "With --memory: the file size in MiB (default: ${DEFAULT-VALUE})")
    int sizeMiB;

    @Spec
    CommandSpec spec;
    @Mixin
    KernelOptions kernel;

    @Override
    public Integer call() throws Exception {
        if (sizeMiB < 1) throw new ParameterException(spec.commandLine(), "--size-mib must be at least 1, got " + sizeMiB);
        if (warmups < 0 || warmups > 20) throw new ParameterException(spec.commandLine(), "--warmups must be between 0 and 20, got " + warmups);
        if (memory) return memory();
        // the harness runs many nodes in one process: their per-connection info lines would bury the result
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        Path base = dir != null ? dir : Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(base);
        if (kernel.kernel) return KernelBench.run(scenario, kernel, warmups, base);
        if (policy) return policy(base);
        Path work = Files.createTempDirectory(base, "darner-bench-");
        try {
            InProcessBench.Report r = new InProcessBench(scenario, work, threads, warmups, countHeaders).run();
            System.out.println(r.line());
            return r.verified() == scenario.nodes ? 0 : 1;
        } finally {
            InProcessBench.deleteTree(work);
        }
    }

    private int policy(Path base) throws Exception {
        Path work = Files.createTempDirectory(base, "darner-bench-policy-");
        try {
            PolicyBench.Report r = new PolicyBench(work).run();
            System.out.println(r.line());
            return r.verified() == r.targets() ? 0 : 1;
        } finally {
            InProcessBench.deleteTree(work);
        }
    }

    private int memory() throws Exception {
        Path base = dir != null ? dir : roomy(Path.of("/dev/shm"), 9L * sizeMiB << 20) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(base);
        Path work = Files.createTempDirectory(base, "darner-bench-memory-");
        try {
            MemoryBench.Report r = new MemoryBench(work, sizeMiB, 3).run();
            System.out.println(r.line());
            return r.verified() == r.agents() ? 0 : 1;
        } finally {
            InProcessBench.deleteTree(work);
        }
    }

    /** Whether {@code dir} exists and has room for {@code bytes} (the source, the seed's copy, each agent's store and target). */
    private static boolean roomy(Path dir, long bytes) {
        try {
            return Files.isDirectory(dir) && Files.getFileStore(dir).getUsableSpace() > bytes;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
