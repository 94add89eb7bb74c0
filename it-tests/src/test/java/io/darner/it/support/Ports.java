package io.darner.it.support;

import io.darner.agent.LoopbackPorts;

/** Free loopback ports for child processes to listen on (see {@link LoopbackPorts}). */
public final class Ports {
    private Ports() {
    }

    /** {@code 127.0.0.1:PORT} with a free port. */
    public static String freeAddress() {
        return LoopbackPorts.freeAddress();
    }
}
