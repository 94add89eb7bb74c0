package io.darner.agent.bench;

/**
 * The in-process scenarios of BENCHMARKS.md. Rates in MB/s (10^6 bytes), sizes in MiB.
 * Scenario B: the first half of the nodes upload at {@code uploadMBs}, the second half at {@code slowUploadMBs}.
 */
public enum Scenario {
    A(16, 25, 25, 25, 25, 128),
    B(16, 25, 25, 25, 6.25, 128),
    C(64, 6.25, 6.25, 6.25, 6.25, 32),
    D(16, 25, 25, 25, 25, 8);

    final int nodes;
    final double sourceUploadMBs;
    final double downloadMBs;
    final double uploadMBs;
    final double slowUploadMBs;
    final int sizeMiB;

    Scenario(int nodes, double sourceUploadMBs, double downloadMBs, double uploadMBs, double slowUploadMBs, int sizeMiB) {
        this.nodes = nodes;
        this.sourceUploadMBs = sourceUploadMBs;
        this.downloadMBs = downloadMBs;
        this.uploadMBs = uploadMBs;
        this.slowUploadMBs = slowUploadMBs;
        this.sizeMiB = sizeMiB;
    }

    public int nodes() {
        return nodes;
    }

    public int sizeMiB() {
        return sizeMiB;
    }

    public long sizeBytes() {
        return (long) sizeMiB << 20;
    }

    /** Experiments only: -Ddarner.bench.rateScale=0.25 runs every link at a quarter of its rate. */
    private static final double SCALE = Double.parseDouble(System.getProperty("darner.bench.rateScale", "1"));

    public long uploadBytesPerSecond(int node) {
        return (long) ((node < nodes / 2 ? uploadMBs : slowUploadMBs) * 1e6 * SCALE);
    }

    public long downloadBytesPerSecond() {
        return (long) (downloadMBs * 1e6 * SCALE);
    }

    public long sourceBytesPerSecond() {
        return (long) (sourceUploadMBs * 1e6 * SCALE);
    }

    /** Kumar and Ross's fluid lower bound: max(F/u_s, F/d_min, N·F/(u_s + Σu_i)), seconds. */
    double fluidBoundSeconds() {
        double f = sizeBytes();
        double sumUp = 0;
        for (int i = 0; i < nodes; i++) sumUp += uploadBytesPerSecond(i);
        return Math.max(Math.max(f / sourceBytesPerSecond(), f / downloadBytesPerSecond()), nodes * f / (sourceBytesPerSecond() + sumUp));
    }
}
