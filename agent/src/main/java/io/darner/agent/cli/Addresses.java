package io.darner.agent.cli;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Addresses as the commands print them, and default daemon ids (this host's name and the port they listen on). */
final class Addresses {
    private Addresses() {
    }

    static String defaultId(InetSocketAddress listen) {
        return localName() + ":" + listen.getPort();
    }

    /** {@code host:port}, {@code [v6]:port}; never the leading slash of InetSocketAddress.toString. */
    static String authority(InetSocketAddress a) {
        String host = a.isUnresolved() ? a.getHostString() : a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /**
     * {@code listen} itself, or, when its host is a wildcard (0.0.0.0, ::), the same port on the
     * local address this host reaches {@code peerSide} from: peers are told the listen host, so
     * it must be one they can connect to.
     */
    static InetSocketAddress advertisable(InetSocketAddress listen, InetSocketAddress peerSide) throws IOException {
        if (!listen.getAddress().isAnyLocalAddress()) return listen;
        InetSocketAddress resolved = new InetSocketAddress(peerSide.getHostString(), peerSide.getPort());
        if (resolved.isUnresolved()) throw new IOException("unknown host " + peerSide.getHostString());
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(resolved); // a UDP connect sends nothing: it only picks the route and its source address
            InetAddress local = probe.getLocalAddress();
            if (local.isAnyLocalAddress()) throw new IOException("no route from this host to " + authority(peerSide));
            return new InetSocketAddress(local, listen.getPort());
        }
    }

    private static String localName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env != null && !env.isBlank() ? env : "localhost";
        }
    }
}
