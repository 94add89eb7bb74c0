package io.darner.agent.bench;

import io.darner.agent.bench.kernel.KernelBench;
import io.darner.agent.bench.kernel.KernelOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
                "C 64 nodes, 6.25 MB/s, 32 MiB; D 16 nodes, 25 MB/s, 8 MiB."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--scenario", description = "A, B, C or D (default: ${DEFAULT-VALUE})", defaultValue = "A")
    Scenario scenario;

    @Option(names = "--dir", description = "Working directory for sources, piece stores and targets (default: a new directory under /dev/shm when it exists, else the system temp directory)")
    Path dir;

    @Option(names = "--no-warmup", description = "Skip the untimed warm-up distribution")
    boolean noWarmup;

    @Option(names = "--threads", description = "Event loop threads (default: ${DEFAULT-VALUE})", defaultValue = "4")
    int threads;

    @Mixin
    KernelOptions kernel;

    @Override
    public Integer call() throws Exception {
        // the harness runs many nodes in one process: their per-connection info lines would bury the result
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        Path base = dir != null ? dir : Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(base);
        if (kernel.kernel) return KernelBench.run(scenario, kernel, base);
        Path work = Files.createTempDirectory(base, "darner-bench-");
        try {
            InProcessBench.Report r = new InProcessBench(scenario, work, threads, !noWarmup).run();
            System.out.println(r.line());
            return r.verified() == scenario.nodes ? 0 : 1;
        } finally {
            InProcessBench.deleteTree(work);
        }
    }
}
