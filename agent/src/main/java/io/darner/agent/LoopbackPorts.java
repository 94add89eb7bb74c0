package io.darner.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for processes started a moment later (the fault suite's and the
 * end-to-end tests' supernodes, agents and servers). A port the kernel picks for a probe socket
 * comes from its ephemeral range, where any outgoing connection made in the meantime may take it
 * before the process binds it ("Port … already in use"). So ports come from below that range,
 * where only listeners go, are checked by binding them, and are never handed out twice by this
 * JVM.
 */
public final class LoopbackPorts {
    /** Lowest port handed out: above the usual service ports. */
    static final int LOWEST = 10_000;
    private static final Path EPHEMERAL = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final Set<Integer> GIVEN = new HashSet<>();

    private LoopbackPorts() {
    }

    /** A loopback port nothing listens on, below the ephemeral range when there is room there. */
    public static synchronized int free() {
        int highest = ephemeralStart() - 1;
        if (highest - LOWEST >= 1_000) {
            for (int attempt = 0; attempt < 200; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
                if (!GIVEN.contains(port) && bindable(port)) {
                    GIVEN.add(port);
                    return port;
                }
            }
        }
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (GIVEN.add(s.getLocalPort())) return s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free loopback port", e);
            }
        }
        throw new IllegalStateException("no free loopback port found");
    }

    /** {@code 127.0.0.1:PORT} with a {@link #free()} port. */
    public static String freeAddress() {
        return "127.0.0.1:" + free();
    }

    static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** First port of the kernel's ephemeral range (Linux's default 32768 where it cannot be read). */
    static int ephemeralStart() {
        // read through a buffer: Files.readString returns only the first byte of this sysctl file
        try (BufferedReader r = Files.newBufferedReader(EPHEMERAL)) {
            return Integer.parseInt(r.readLine().trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
