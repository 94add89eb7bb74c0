package io.darner.engine.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Which TCP congestion control Darner's connections use. By default CUBIC, Linux's own default,
 * also on hosts whose default is another: with BBR (v1) every connection is paced at the rate it
 * alone was measured to reach, so when an uploader moves its link from one child to the next the
 * new connection crawls for several round trips while the link idles. Measured in the kernel
 * harness (docs/benchmarks.md): 0.2 s of 6.6 in scenario A. {@value #SYSTEM} keeps the host's.
 */
public final class TcpCongestion {
    /** The algorithm Darner asks for unless told otherwise. */
    public static final String DEFAULT = "cubic";
    /** Keep the host's default ({@code net.ipv4.tcp_congestion_control}). */
    public static final String SYSTEM = "system";
    private static final Path AVAILABLE = Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control");

    private TcpCongestion() {
    }

    /** The algorithms this kernel offers, empty where it does not say (not Linux). */
    public static List<String> available() {
        try {
            return Arrays.stream(Files.readString(AVAILABLE, StandardCharsets.US_ASCII).trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /**
     * The algorithm to set on each connection, or null to leave the host's.
     *
     * @param requested a name, {@value #SYSTEM}, or null for {@value #DEFAULT} (left out quietly where the kernel lacks it)
     * @throws IllegalArgumentException when an algorithm asked for by name is not available
     */
    public static String resolve(String requested) {
        List<String> available = available();
        if (requested == null) return available.contains(DEFAULT) ? DEFAULT : null;
        if (SYSTEM.equals(requested)) return null;
        if (!requested.matches("[a-z0-9_]{1,15}")) {
            throw new IllegalArgumentException("'" + requested + "' is not a congestion control name; give one of "
                    + String.join(", ", available) + " or " + SYSTEM);
        }
        if (!available.contains(requested)) {
            throw new IllegalArgumentException("'" + requested + "' is not available on this kernel"
                    + (available.isEmpty() ? "" : " (it offers " + String.join(", ", available) + ")") + "; give one of those or " + SYSTEM);
        }
        return requested;
    }
}
