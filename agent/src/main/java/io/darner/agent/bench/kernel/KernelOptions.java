package io.darner.agent.bench.kernel;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The options of {@code darner bench --kernel} (a picocli mixin of the bench command). */
public final class KernelOptions {
    @Option(names = "--kernel", description = "Run the kernel harness instead (root): one network namespace per host on a bridge, "
            + "caps enforced with tc; Darner, aria2 and nginx+curl distribute the same file side by side")
    public boolean kernel;

    @Option(names = "--systems", split = ",", paramLabel = "SYSTEM",
            description = "With --kernel: systems to run, of darner, aria2, http (default: all three)")
    public List<String> systems = new ArrayList<>(List.of("darner", "aria2", "http"));

    @Option(names = "--kernel-nodes", paramLabel = "N", description = "With --kernel: override the scenario's node count (smaller runs, e.g. tests)")
    public Integer nodes;

    @Option(names = "--kernel-size-mib", paramLabel = "MIB", description = "With --kernel: override the scenario's file size")
    public Integer sizeMiB;

    @Option(names = "--kernel-times", paramLabel = "FILE", description = "With --kernel: write every node's completion time (CSV: system,node,seconds)")
    public Path timesCsv;

    @Option(names = "--kernel-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "With --kernel: give up on a system after this many seconds (default: ${DEFAULT-VALUE})")
    public int timeoutSeconds;
}
