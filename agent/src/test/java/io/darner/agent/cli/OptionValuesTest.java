package io.darner.agent.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Option values the daemons refuse before starting anything: usage errors that name the flag. */
class OptionValuesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"50MB/s", "400Mbit/s", "1048576"})
    void rates_in_any_documented_form_convert(String rate) {
        assertThat(new Converters.RateConverter().convert(rate)).isPositive();
    }

    @Test
    void rate_forms_mean_what_they_say() {
        Converters.RateConverter c = new Converters.RateConverter();
        assertThat(c.convert("50MB/s")).isEqualTo(50_000_000L);
        assertThat(c.convert("400Mbit/s")).isEqualTo(50_000_000L);
        assertThat(c.convert("1048576")).isEqualTo(1_048_576L);
    }

    @Test
    void a_bad_rate_is_a_usage_error_naming_the_flag() throws IOException {
        Run run = agent("--upload-rate", "5Mb/s");

        assertUsageError(run, "--upload-rate", "5Mb/s");
    }

    @Test
    void cache_options_convert_and_bad_ones_are_usage_errors_naming_the_flag() throws IOException {
        assertThat(new Converters.PercentConverter().convert("85%")).isEqualTo(0.85);
        assertThat(new Converters.PercentConverter().convert("70")).isEqualTo(0.70);
        assertThat(new Converters.DurationConverter().convert("24h")).hasHours(24);
        assertThat(new Converters.DurationConverter().convert("7d")).hasDays(7);

        Run badPercent = agent("--cache-high-watermark", "120%");
        assertUsageError(badPercent, "--cache-high-watermark", "120%");

        Run badTtl = agent("--cache-ttl", "soon");
        assertUsageError(badTtl, "--cache-ttl", "24h");

        Run badWait = agent("--source-fallback-after", "0s");
        assertUsageError(badWait, "--source-fallback-after", "longer than zero");

        Run inverted = agent("--cache-high-watermark", "60%", "--cache-low-watermark", "80%");
        assertUsageError(inverted, "--cache-low-watermark", "--cache-high-watermark", "below the high watermark");
    }

    @Test
    void a_bad_event_loop_count_is_a_usage_error_naming_the_flag() throws IOException {
        Run none = agent("--io-threads", "0");
        assertUsageError(none, "--io-threads 0", "from 1 to 256");

        Run word = agent("--io-threads", "many");
        assertUsageError(word, "--io-threads", "many");
    }

    @Test
    void a_congestion_control_the_kernel_lacks_is_a_usage_error_naming_the_flag_and_the_choices() throws IOException {
        Run agent = agent("--tcp-congestion", "vegas2");
        assertUsageError(agent, "--tcp-congestion", "'vegas2' is not available", "system");

        Run supernode = Run.of("supernode", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--room", "r",
                "--data-dir", dir.toString(), "--secret-file", secret().toString(), "--tcp-congestion", "cubic;rm");
        assertUsageError(supernode, "--tcp-congestion", "not a congestion control name");
    }

    @Test
    void a_bad_seed_rate_is_a_usage_error_naming_the_flag() throws IOException {
        Run run = Run.of("supernode", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--room", "r",
                "--data-dir", dir.toString(), "--secret-file", secret().toString(), "--seed-upload-rate", "-3MB/s");

        assertUsageError(run, "--seed-upload-rate");
    }

    @Test
    void a_bad_address_is_a_usage_error_naming_the_flag() throws IOException {
        Run run = agent("--control", "localhost");

        assertUsageError(run, "--control", "HOST:PORT");
    }

    @Test
    void a_wildcard_listen_address_becomes_the_address_that_routes_to_the_supernode() throws IOException {
        InetSocketAddress supernode = new Converters.RemoteAddressConverter().convert("127.0.0.1:7300");

        assertThat(Addresses.advertisable(new InetSocketAddress("0.0.0.0", 7400), supernode))
                .isEqualTo(new InetSocketAddress(InetAddress.getLoopbackAddress(), 7400));
        InetSocketAddress given = new InetSocketAddress(InetAddress.getLoopbackAddress(), 7401);
        assertThat(Addresses.advertisable(given, supernode)).isSameAs(given);
    }

    @Test
    void a_missing_allowed_directory_is_a_usage_error() throws IOException {
        Run run = agent("--allow-dir", dir.resolve("nope").toString());

        assertUsageError(run, "--allow-dir", "does not exist");
    }

    @Test
    void an_empty_secret_file_is_a_usage_error() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        Run run = Run.of("agent", "--supernode", "127.0.0.1:1", "--room", "r", "--data-dir", dir.toString(),
                "--listen", "127.0.0.1:0", "--secret-file", empty.toString());

        assertUsageError(run, "--secret-file", "empty");
    }

    /** The command failed as a usage error whose message names each of {@code mentions}. */
    private static void assertUsageError(Run run, String... mentions) {
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        for (String m : mentions) assertThat(run.err()).contains(m);
    }

    private Run agent(String... more) throws IOException {
        String[] base = {"agent", "--supernode", "127.0.0.1:1", "--room", "r", "--data-dir", dir.resolve("data").toString(),
                "--listen", "127.0.0.1:0", "--control", "127.0.0.1:0", "--secret-file", secret().toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Run.of(args);
    }

    private Path secret() throws IOException {
        return Files.writeString(dir.resolve("secret"), "s3cret\n");
    }
}
