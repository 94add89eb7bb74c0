package io.darner.agent.bench;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** What the in-process harness's links pass of a cap: all of it in payload, or the share full TCP segments leave. */
class EmulatedLinksTest {
    @Test
    void a_cap_counting_headers_passes_the_payload_share_of_full_segments() throws Exception {
        InetAddress host = InetAddress.getByName("127.0.2.1");
        EmulatedLinks payloadOnly = new EmulatedLinks(false);
        EmulatedLinks framed = new EmulatedLinks(true);
        payloadOnly.addHost(host, 25_000_000, 12_500_000);
        framed.addHost(host, 25_000_000, 12_500_000);

        assertThat(payloadOnly.payloadRates(host)).containsExactly(25_000_000, 12_500_000);
        // 1,448 bytes of payload in every 1,514-byte frame: 95.6%, what tc's 25 MB/s leaves a TCP stream
        assertThat(framed.payloadRates(host)).containsExactly(23_910_171, 11_955_085);
    }
}
