package io.darner.agent;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LoopbackPortsTest {
    @Test
    void portsComeFromBelowTheEphemeralRangeAreBindableAndNeverRepeat() throws Exception {
        int ephemeral = LoopbackPorts.ephemeralStart();
        assertThat(ephemeral).isBetween(1_024, 65_535);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = LoopbackPorts.free();
            assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
            if (ephemeral - 1 - LoopbackPorts.LOWEST >= 1_000) assertThat(port).isBetween(LoopbackPorts.LOWEST, ephemeral - 1);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(s.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void aPortSomeoneListensOnIsNotBindable() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(LoopbackPorts.bindable(taken.getLocalPort())).isFalse();
        }
    }
}
