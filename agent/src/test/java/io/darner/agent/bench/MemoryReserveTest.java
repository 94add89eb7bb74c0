package io.darner.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
                await(() -> reserve.held() <= 512 * MIB - MemoryReserve.SLACK);
                assertThat(reserve.held()).isGreaterThan(256 * MIB);

                // something else takes 256 MiB of memory: the reserve makes room for it
                BenchFiles.random(dir.resolve("filler.bin"), 256 * MIB, 1);
                await(() -> reserve.held() <= 512 * MIB - MemoryReserve.SLACK - 256 * MIB + 32 * MIB);
            }
            try (Stream<Path> left = Files.list(dir)) {
                assertThat(left).containsExactly(dir.resolve("filler.bin"));
            }
        } finally {
            Files.deleteIfExists(dir.resolve("filler.bin"));
            if (!dir.equals(tmp)) Files.deleteIfExists(dir);
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 20 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
