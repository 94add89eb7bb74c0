package io.darner.engine.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.RawUnixChannelOption;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The congestion control Darner's connections ask for: both ends of a real loopback connection. */
class TcpCongestionTest {
    private static final RawUnixChannelOption TCP_CONGESTION = new RawUnixChannelOption("TCP_CONGESTION", 6, 13, 16);

    @Test
    void both_ends_of_a_connection_use_the_algorithm_asked_for() throws Exception {
        assertThat(Epoll.isAvailable()).as("Netty's epoll transport (Linux), which Darner runs on").isTrue();
        // reno is in every Linux kernel, and differs from this machine's default (bbr) and from Darner's (cubic)
        assertThat(TcpCongestion.available()).contains("reno");
        try (Transport transport = Transport.create(1, "reno")) {
            CompletableFuture<Channel> accepted = new CompletableFuture<>();
            Channel server = transport.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    () -> new ChannelHandler[] {new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            accepted.complete(ctx.channel());
                        }
                    }}).syncUninterruptibly().channel();
            Channel client = transport.connect(transport.nextLoop(), null, (InetSocketAddress) server.localAddress(),
                    () -> new ChannelHandler[0]).syncUninterruptibly().channel();
            try {
                assertThat(algorithm(client)).isEqualTo("reno");
                assertThat(algorithm(accepted.get(10, TimeUnit.SECONDS))).isEqualTo("reno");
            } finally {
                client.close().syncUninterruptibly();
                server.close().syncUninterruptibly();
            }
        }
    }

    @Test
    void the_default_is_cubic_where_the_kernel_has_it_and_system_keeps_the_host_default() {
        assertThat(TcpCongestion.resolve(null)).isEqualTo(TcpCongestion.available().contains("cubic") ? "cubic" : null);
        assertThat(TcpCongestion.resolve(TcpCongestion.SYSTEM)).isNull();
    }

    @Test
    void an_algorithm_the_kernel_lacks_is_refused_with_the_choices() {
        assertThatThrownBy(() -> Transport.create(1, "nosuchcc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nosuchcc' is not available")
                .hasMessageContaining("reno")
                .hasMessageContaining(TcpCongestion.SYSTEM);
        assertThatThrownBy(() -> TcpCongestion.resolve("Cubic; ls"))
                .hasMessageContaining("not a congestion control name");
    }

    private static String algorithm(Channel ch) {
        ByteBuffer name = ch.config().getOption(TCP_CONGESTION);
        byte[] b = new byte[name.remaining()];
        name.get(b);
        return new String(b, StandardCharsets.US_ASCII).replace("\0", "");
    }
}
