package io.darner.engine.rate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateTest {

    @ParameterizedTest(name = "{0} = {1} B/s")
    @CsvSource(delimiter = '|', value = {
            "50MB/s      | 50000000",
            "400Mbit/s   | 50000000",
            "25MB/s      | 25000000",
            "1.5GB/s     | 1500000000",
            "512KiB/s    | 524288",
            "1048576     | 1048576",
            "'25 MB/s'   | 25000000",
            "'25.0 MB/s' | 25000000",
            "' 10kB/s '  | 10000",
            "10KB        | 10000",
            "100B/s      | 100",
            "100/s       | 100",
            "1MiB/s      | 1048576",
            "2GiB/s      | 2147483648",
            "1TiB/s      | 1099511627776",
            "1TB/s       | 1000000000000",
            "1Gbit/s     | 125000000",
            "1kbit/s     | 125",
            "1Kbit/s     | 125",
            "4bit/s      | 1",
            "2.5B/s      | 3",
            "0.5KiB/s    | 512",
            "9EB/s       | 9000000000000000000",
    })
    void parses(String text, long bytesPerSecond) {
        assertThat(Rate.parse(text).bytesPerSecond()).isEqualTo(bytesPerSecond);
        assertThat(Rate.parseBytesPerSecond(text)).isEqualTo(bytesPerSecond);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"12 parsecs", "", "   ", "MB/s", "50Mb/s", "50mb/s", "50 mbit/s", "1e6", "50MB/h",
            "50 MB / s", "1.MB/s", ".5MB/s", "50MB/s/s", "fifty MB/s", "50 MBps", "0x10", "1,5GB/s"})
    void refusesWhatItDoesNotUnderstand(String text) {
        assertThatThrownBy(() -> Rate.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rate '" + text + "' is not understood")
                .hasMessageContaining("a number of bytes per second")
                .hasMessageContaining("50MB/s or 400Mbit/s");
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"0", "0MB/s", "0.0GB/s", "-5MB/s", "-1048576", " -1 "})
    void refusesZeroAndNegativeRates(String text) {
        assertThatThrownBy(() -> Rate.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rate '" + text + "' must be positive");
    }

    @Test
    void refusesRatesBelowOneByteOrAboveALong() {
        assertThatThrownBy(() -> Rate.parse("1bit/s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'1bit/s' is below 1 byte per second");
        assertThatThrownBy(() -> Rate.parse("10EB/s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'10EB/s' is too large");
        assertThatThrownBy(() -> Rate.parse("99999999999999999999"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is too large");
    }

    @Test
    void refusesNonPositiveValues() {
        assertThatThrownBy(() -> new Rate(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0");
        assertThatThrownBy(() -> Rate.ofBytesPerSecond(-3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got -3");
    }

    @ParameterizedTest(name = "{0} B/s prints {1}")
    @CsvSource(delimiter = '|', value = {
            "25000000           | 25.0 MB/s",
            "1                  | 1.0 B/s",
            "999                | 999.0 B/s",
            "1500               | 1.5 kB/s",
            "524288             | 524.3 kB/s",
            "999950             | 1.0 MB/s",
            "1500000000         | 1.5 GB/s",
            "50000000000000     | 50.0 TB/s",
            "9223372036854775807 | 9.2 EB/s",
    })
    void prints(long bytesPerSecond, String printed) {
        assertThat(Rate.ofBytesPerSecond(bytesPerSecond)).hasToString(printed);
    }

    @Test
    void printedRatesParseBack() {
        for (long bps : new long[]{25_000_000, 1500, 1_500_000_000, 9_000_000_000_000_000_000L}) {
            Rate rate = Rate.ofBytesPerSecond(bps);
            assertThat(Rate.parse(rate.toString())).isEqualTo(rate);
        }
    }

    @Test
    void isAValue() {
        assertThat(Rate.parse("50MB/s")).isEqualTo(Rate.parse("400Mbit/s")).isEqualTo(new Rate(50_000_000));
    }
}
