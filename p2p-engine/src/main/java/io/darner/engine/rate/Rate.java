package io.darner.engine.rate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A transfer rate, in whole bytes per second ({@code > 0}).
 *
 * <p>{@link #parse} reads a plain number of bytes per second ({@code "1048576"}) or a number with
 * a unit and an optional {@code /s}: {@code "50MB/s"}, {@code "1.5GB/s"}, {@code "512KiB/s"},
 * {@code "400Mbit/s"}, {@code "25 MB/s"}. Decimal prefixes are powers of 1000 (MB = 10^6 bytes),
 * binary ones powers of 1024 (MiB = 2^20 bytes); {@code bit} units are bits (Mbit = 10^6 bits).
 * Bytes are an upper-case {@code B}, bits are spelled {@code bit}: the ambiguous {@code Mb} is
 * refused. Fractional byte counts are rounded half up.
 */
public record Rate(long bytesPerSecond) {

    private static final String FORMS = "use a number of bytes per second or a value like 50MB/s or 400Mbit/s"
            + " (units: B, kB, MB, GB, TB, PB, EB, KiB, MiB, GiB, TiB, bit, kbit, Mbit, Gbit, Tbit)";

    private static final Pattern SYNTAX = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([A-Za-z]*)(/s)?");

    private static final BigDecimal EIGHTH = new BigDecimal("0.125");

    /** Bytes per unit. */
    private static final Map<String, BigDecimal> UNITS = Map.ofEntries(
            Map.entry("", BigDecimal.ONE),
            Map.entry("B", BigDecimal.ONE),
            Map.entry("kB", BigDecimal.TEN.pow(3)),
            Map.entry("KB", BigDecimal.TEN.pow(3)),
            Map.entry("MB", BigDecimal.TEN.pow(6)),
            Map.entry("GB", BigDecimal.TEN.pow(9)),
            Map.entry("TB", BigDecimal.TEN.pow(12)),
            Map.entry("PB", BigDecimal.TEN.pow(15)),
            Map.entry("EB", BigDecimal.TEN.pow(18)),
            Map.entry("KiB", BigDecimal.valueOf(1L << 10)),
            Map.entry("MiB", BigDecimal.valueOf(1L << 20)),
            Map.entry("GiB", BigDecimal.valueOf(1L << 30)),
            Map.entry("TiB", BigDecimal.valueOf(1L << 40)),
            Map.entry("bit", EIGHTH),
            Map.entry("kbit", BigDecimal.TEN.pow(3).multiply(EIGHTH)),
            Map.entry("Kbit", BigDecimal.TEN.pow(3).multiply(EIGHTH)),
            Map.entry("Mbit", BigDecimal.TEN.pow(6).multiply(EIGHTH)),
            Map.entry("Gbit", BigDecimal.TEN.pow(9).multiply(EIGHTH)),
            Map.entry("Tbit", BigDecimal.TEN.pow(12).multiply(EIGHTH)));

    private static final String[] PRINT_UNITS = {"B/s", "kB/s", "MB/s", "GB/s", "TB/s", "PB/s", "EB/s"};

    public Rate {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("rate must be a positive number of bytes per second, got "
                    + bytesPerSecond);
        }
    }

    public static Rate ofBytesPerSecond(long bytesPerSecond) {
        return new Rate(bytesPerSecond);
    }

    /**
     * Parses a rate such as {@code "50MB/s"}, {@code "400Mbit/s"} or {@code "1048576"}.
     *
     * @throws IllegalArgumentException naming the value and the accepted forms if it is not
     *                                  understood, is zero or negative, below 1 byte per second
     *                                  or above {@link Long#MAX_VALUE} bytes per second
     */
    public static Rate parse(String text) {
        Objects.requireNonNull(text, "rate");
        String value = text.strip();
        if (value.startsWith("-")) {
            throw new IllegalArgumentException("rate '" + text + "' must be positive: " + FORMS);
        }
        Matcher m = SYNTAX.matcher(value);
        BigDecimal perUnit = m.matches() ? UNITS.get(m.group(2)) : null;
        if (perUnit == null) {
            throw new IllegalArgumentException("rate '" + text + "' is not understood: " + FORMS);
        }
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(perUnit);
        if (bytes.signum() == 0) {
            throw new IllegalArgumentException("rate '" + text + "' must be positive: " + FORMS);
        }
        BigDecimal rounded = bytes.setScale(0, RoundingMode.HALF_UP);
        if (rounded.signum() == 0) {
            throw new IllegalArgumentException("rate '" + text + "' is below 1 byte per second");
        }
        if (rounded.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("rate '" + text + "' is too large (at most "
                    + Long.MAX_VALUE + " bytes per second)");
        }
        return new Rate(rounded.longValueExact());
    }

    /** {@code parse(text).bytesPerSecond()}. */
    public static long parseBytesPerSecond(String text) {
        return parse(text).bytesPerSecond();
    }

    /** With decimal units and one decimal, e.g. {@code "25.0 MB/s"}; {@link #parse} reads it back. */
    @Override
    public String toString() {
        int unit = 0;
        double scaled = bytesPerSecond;
        while (unit < PRINT_UNITS.length - 1 && Math.round(scaled * 10) >= 10_000) { // would print >= 1000.0
            scaled /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", scaled, PRINT_UNITS[unit]);
    }
}
