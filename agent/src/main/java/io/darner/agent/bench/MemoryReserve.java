package io.darner.agent.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Memory in use a moment ago for a timed run to write into. A virtual machine that hands free
 * memory back to its host (free page reporting, as on the machines these benchmarks run on) makes
 * the first write to such a page cost a fault on the host, several times the cost of the copy;
 * which system meets those pages would otherwise depend on what ran before it and on how fast it
 * writes. So before a timed run this writes {@code bytes} of scratch data into {@code dir} and,
 * while the run goes on, gives it back a slice at a time, as the machine's free memory falls:
 * the run's writes land in pages freed a moment earlier, before the guest could report them to
 * the host. On a machine that keeps its memory this changes nothing but the free memory.
 */
public final class MemoryReserve implements AutoCloseable {
    /** Free memory kept above what was free with the whole reserve held. */
    static final long SLACK = 128L << 20;
    private static final Path MEMINFO = Path.of("/proc/meminfo");

    private final Path scratch;
    private final FileChannel channel;
    private final long floor;
    private final Thread pacer;
    private volatile boolean closed;
    private long held;

    private MemoryReserve(Path scratch, FileChannel channel, long held, long floor) {
        this.scratch = scratch;
        this.channel = channel;
        this.held = held;
        this.floor = floor;
        if (floor < 0) {
            this.pacer = null;
        } else {
            this.pacer = new Thread(this::pace, "darner-bench-memory");
            pacer.setDaemon(true);
        }
    }

    /** Holds {@code bytes} of scratch data in {@code dir} until the run needs the memory, or until {@link #close()}. */
    public static MemoryReserve hold(Path dir, long bytes) throws IOException {
        Path scratch = Files.createTempFile(Files.createDirectories(dir), "reserve-", ".bin");
        FileChannel ch = FileChannel.open(scratch, StandardOpenOption.WRITE);
        try {
            ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
            for (long left = bytes; left > 0; ) {
                zeros.clear().limit((int) Math.min(left, zeros.capacity()));
                left -= ch.write(zeros);
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(scratch);
            throw e;
        }
        long free = memFree();
        MemoryReserve r = new MemoryReserve(scratch, ch, bytes, free < 0 ? -1 : free + SLACK);
        if (r.pacer == null) r.close(); // no /proc/meminfo: the memory was in use a moment ago, which is the best left to do
        else r.pacer.start();
        return r;
    }

    private void pace() {
        try {
            while (!closed && held > 0) {
                long free = memFree();
                if (free >= 0 && free < floor) {
                    long give = Math.min(held, (floor - free + (16L << 20) - 1) & -(16L << 20));
                    synchronized (this) {
                        if (closed) return;
                        channel.truncate(held - give);
                        held -= give;
                    }
                }
                Thread.sleep(20);
            }
        } catch (IOException | InterruptedException e) {
            // close() deletes what is left
        }
    }

    /** Bytes still held. */
    synchronized long held() {
        return held;
    }

    /** The machine's free memory in bytes, or -1 where /proc/meminfo cannot tell. */
    static long memFree() {
        try {
            try (BufferedReader r = Files.newBufferedReader(MEMINFO)) {
                for (String l; (l = r.readLine()) != null; ) {
                    if (l.startsWith("MemFree:")) return Long.parseLong(l.replaceAll("\\D", "")) << 10;
                }
            }
            return -1;
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Stops giving memory back and deletes what is still held. */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            closed = true;
        }
        if (pacer != null) pacer.interrupt();
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(scratch);
        }
    }
}
