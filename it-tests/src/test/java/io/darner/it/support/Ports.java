package io.darner.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free loopback ports for child processes to listen on. */
public final class Ports {
    /** Ports handed out by this JVM: the OS may offer a just-closed port again before its process bound it. */
    private static final Set<Integer> GIVEN = new HashSet<>();

    private Ports() {
    }

    public static synchronized int free() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                if (GIVEN.add(s.getLocalPort())) return s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free loopback port", e);
            }
        }
        throw new IllegalStateException("no fresh free loopback port after 50 attempts");
    }

    /** {@code 127.0.0.1:PORT} with a free port. */
    public static String freeAddress() {
        return "127.0.0.1:" + free();
    }
}
