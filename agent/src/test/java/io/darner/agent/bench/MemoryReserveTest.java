package io.darner.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryReserveTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path tmp;

    /** Memory-backed where the machine has /dev/shm, so that writing there lowers the machine's free memory. */
    private Path dir() throws IOException {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "darner-reserve-test-") : tmp;
    }

    @Test
    void givesMemoryBackAsTheMachinesFreeMemoryFallsAndLeavesNothingBehind() throws Exception {
        Path dir = dir();
        try {
            try (MemoryReserve reserve = MemoryReserve.hold(dir, 512 * MIB)) {
                assertThat(MemoryReserve.memFree()).as("this test needs /proc/meminfo").isPositive();
                // first the slack above what was free with the whole reserve held
                await("the reserve to give back its slack", () -> reserve.held() <= 512 * MIB - MemoryReserve.SLACK);
                long before = reserve.held();

                // something else takes 256 MiB of memory: the reserve makes room for it (at least half
                // of it, whatever else the machine frees meanwhile)
                BenchFiles.random(dir.resolve("filler.bin"), 256 * MIB, 1);
                await("the reserve to make room for 256 MiB", () -> reserve.held() <= before - 128 * MIB);
            }
            try (Stream<Path> left = Files.list(dir)) {
                assertThat(left).containsExactly(dir.resolve("filler.bin"));
            }
        } finally {
            Files.deleteIfExists(dir.resolve("filler.bin"));
            if (!dir.equals(tmp)) Files.deleteIfExists(dir);
        }
    }

    /** Checks {@code condition} every 10 ms until it holds; fails naming {@code what} after 20 s. */
    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("timed out after 20 s waiting for " + what).isNegative();
            LockSupport.parkNanos(10_000_000L);
        }
    }
}
