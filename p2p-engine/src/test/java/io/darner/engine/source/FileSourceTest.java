package io.darner.engine.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSourceTest {

    @TempDir
    Path dir;

    private final byte[] content = new byte[100_000];

    private Path write(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void readsTheWholeFile() throws Exception {
        new Random(7).nextBytes(content);
        Path file = write("data.bin", content);
        try (Source.Opened opened = new FileSource(file.toUri()).open(0)) {
            assertThat(opened.totalSize()).isEqualTo(content.length);
            assertThat(opened.body().readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void opensAtAnOffset() throws Exception {
        new Random(7).nextBytes(content);
        Path file = write("data.bin", content);
        try (Source.Opened opened = new FileSource(file.toUri()).open(54_321)) {
            assertThat(opened.totalSize()).isEqualTo(content.length);
            assertThat(opened.body().readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 54_321, content.length));
        }
        try (Source.Opened opened = new FileSource(file.toUri()).open(content.length)) {
            assertThat(opened.body().read()).isEqualTo(-1);
        }
    }

    @Test
    void offsetBeyondTheEnd() throws Exception {
        Path file = write("small.bin", new byte[10]);
        assertThatThrownBy(() -> new FileSource(file.toUri()).open(11))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("beyond the end");
    }

    @Test
    void zeroByteFile() throws Exception {
        Path file = write("empty.bin", new byte[0]);
        try (Source.Opened opened = new FileSource(file.toUri()).open(0)) {
            assertThat(opened.totalSize()).isZero();
            assertThat(opened.body().read()).isEqualTo(-1);
        }
    }

    @Test
    void fileTruncatedWhileReadingEndsInAnIOException() throws Exception {
        Path file = write("shrinking.bin", new byte[5000]);
        try (Source.Opened opened = new FileSource(file.toUri()).open(0)) {
            assertThat(opened.body().readNBytes(1000)).hasSize(1000);
            Files.write(file, new byte[1000]); // truncates the same inode
            assertThatThrownBy(() -> opened.body().readAllBytes())
                    .hasMessageContaining("ended after 1000 of 5000 bytes");
        }
    }

    @Test
    void missingFile() {
        Path missing = dir.resolve("missing.bin");
        assertThatThrownBy(() -> new FileSource(missing.toUri()).open(0))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(missing.toUri().toString())
                .hasMessageEndingWith("no such file");
    }

    @Test
    void directory() {
        assertThatThrownBy(() -> new FileSource(dir.toUri()).open(0))
                .isInstanceOf(SourceException.class)
                .hasMessageEndingWith("is a directory, not a file");
    }
}
