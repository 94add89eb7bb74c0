package io.darner.agent.cli;

import io.darner.engine.manifest.Sha256;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** `darner get` straight from a real HTTP origin (no agent listens at --agent). */
class GetCommandTest {
    @TempDir
    Path dir;

    private TestOrigin origin;
    private String noAgent;

    @BeforeEach
    void start() throws IOException {
        origin = new TestOrigin();
        noAgent = TestOrigin.closedAddress();
    }

    @AfterEach
    void stop() {
        origin.close();
    }

    private Run get(String url, Path output, String... more) {
        String[] base = {"get", url, "-o", output.toString(), "--agent", noAgent};
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Run.of(args);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1_000_003})
    void fetches_files_of_any_size_with_their_digest(int size) throws IOException {
        byte[] body = origin.serve("/f" + size, size);
        Path out = dir.resolve("f" + size + ".bin");

        Run run = get(origin.url("/f" + size), out, "--digest", "sha256:" + Sha256.hex(Sha256.of(body)));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(body);
        assertThat(run.out()).contains("sha256:" + Sha256.hex(Sha256.of(body)));
        assertThat(dir).isDirectoryNotContaining("glob:**.part");
    }

    @Test
    void fetches_without_a_digest() throws IOException {
        byte[] body = origin.serve("/plain", 4097);
        Path out = dir.resolve("plain.bin");

        assertThat(get(origin.url("/plain"), out).exitCode()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(body);
    }

    @Test
    void resumes_a_body_that_breaks_off() throws IOException {
        byte[] body = origin.serveCutOnce("/cut", 1_000_003);
        Path out = dir.resolve("cut.bin");

        Run run = get(origin.url("/cut"), out, "--digest", "sha256:" + Sha256.hex(Sha256.of(body)));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(body);
    }

    @Test
    void wrong_digest_exits_4_and_leaves_no_file() {
        origin.serve("/f", 1_000_003);
        Path out = dir.resolve("f.bin");

        Run run = get(origin.url("/f"), out, "--digest", "sha256:" + "0".repeat(64));

        assertThat(run.exitCode()).isEqualTo(ExitCodes.INTEGRITY);
        assertThat(run.err()).contains("digest mismatch");
        assertThat(out).doesNotExist();
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void wrong_digest_leaves_an_earlier_file_untouched() throws IOException {
        origin.serve("/f", 10);
        Path out = Files.writeString(dir.resolve("f.bin"), "earlier");

        assertThat(get(origin.url("/f"), out, "--digest", "sha256:" + "0".repeat(64)).exitCode()).isEqualTo(ExitCodes.INTEGRITY);
        assertThat(out).hasContent("earlier");
    }

    @Test
    void not_found_exits_3() {
        Path out = dir.resolve("missing.bin");

        Run run = get(origin.url("/missing"), out);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.SOURCE);
        assertThat(run.err()).contains("404");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void refused_connection_exits_3() {
        Run run = get("http://" + noAgent + "/x", dir.resolve("x"));

        assertThat(run.exitCode()).isEqualTo(ExitCodes.SOURCE);
        assertThat(run.err()).contains("refused");
    }

    @Test
    void output_in_a_missing_directory_exits_5() {
        origin.serve("/f", 100);

        Run run = get(origin.url("/f"), dir.resolve("no/such/dir/f.bin"));

        assertThat(run.exitCode()).isEqualTo(ExitCodes.LOCAL_IO);
        assertThat(run.err()).contains("does not exist");
    }

    @Test
    void output_that_is_a_directory_exits_5() {
        origin.serve("/f", 100);

        assertThat(get(origin.url("/f"), dir).exitCode()).isEqualTo(ExitCodes.LOCAL_IO);
    }

    @Test
    void malformed_digest_is_a_usage_error_naming_the_flag() {
        Run run = get(origin.url("/f"), dir.resolve("f"), "--digest", "md5:abc");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--digest").contains("sha256:<64 hex digits>");
    }

    @Test
    void malformed_url_is_a_usage_error() {
        Run run = get("not a url", dir.resolve("f"));

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("URL");
    }

    @Test
    void help_lists_the_exit_codes() {
        Run run = Run.of("get", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Exit codes:", "3   source error", "4   integrity error", "5   local I/O error");
    }
}
