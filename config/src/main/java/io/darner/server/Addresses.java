package io.darner.server;

import java.net.InetSocketAddress;

final class Addresses {
    private Addresses() {}

    /** HOST:PORT, or an error naming the setting. */
    static InetSocketAddress parse(String setting, String value) {
        int colon = value == null ? -1 : value.lastIndexOf(':');
        if (colon <= 0) throw new IllegalArgumentException(setting + "='" + value + "' is not HOST:PORT (e.g. 127.0.0.1:7300)");
        try {
            int port = Integer.parseInt(value.substring(colon + 1));
            if (port < 0 || port > 65535) throw new NumberFormatException();
            return new InetSocketAddress(value.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(setting + "='" + value + "' has no valid port (0-65535)");
        }
    }
}
