package io.darner.agent.bench;

import io.darner.engine.rate.ThrottleHandler;
import io.darner.engine.rate.TokenBucket;
import io.netty.channel.Channel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Emulated hosts on loopback: every host has its own 127.x address, an upload (egress) and a
 * download (ingress) token bucket refilled continuously with a burst of one 64 KiB chunk. A
 * chunk leaves the sender when its uplink has passed it, and reaches the receiving process when
 * the receiver's downlink has passed it. This sits at the head of every pipeline, beneath the
 * engine, like {@code tc} beneath a process.
 */
final class EmulatedLinks {
    static final long BURST = 64 * 1024;
    /** Payload per full TCP segment on Ethernet with timestamps, and the frame that carries it (+ 32 TCP, 20 IP, 14 Ethernet). */
    static final long SEGMENT_PAYLOAD = 1448, SEGMENT_FRAME = 1514;

    private record Host(TokenBucket egress, TokenBucket ingress) {}

    private final Map<InetAddress, Host> hosts = new ConcurrentHashMap<>();
    private final boolean countHeaders;

    /**
     * @param countHeaders whether a cap is of frames rather than payload, as {@code tc} (and a
     *                     NIC) count them: the buckets then pass only a full segment's payload share
     *                     of the cap ({@value #SEGMENT_PAYLOAD} of every {@value #SEGMENT_FRAME} bytes)
     */
    EmulatedLinks(boolean countHeaders) {
        this.countHeaders = countHeaders;
    }

    void addHost(InetAddress address, long uploadBytesPerSecond, long downloadBytesPerSecond) {
        hosts.put(address, new Host(new TokenBucket(payloadRate(uploadBytesPerSecond), BURST), new TokenBucket(payloadRate(downloadBytesPerSecond), BURST)));
    }

    /** The payload rates a host's links pass: {upload, download}. */
    long[] payloadRates(InetAddress address) {
        Host h = hosts.get(address);
        return new long[] {h.egress.rate(), h.ingress.rate()};
    }

    private long payloadRate(long cap) {
        return countHeaders ? cap * SEGMENT_PAYLOAD / SEGMENT_FRAME : cap;
    }

    void decorate(Channel ch) {
        ch.pipeline().addFirst("emulated-uplink", new ThrottleHandler(c -> host(c).egress));
        ch.pipeline().addFirst("emulated-downlink", new LazyInbound());
    }

    private Host host(Channel ch) {
        Host h = hosts.get(((InetSocketAddress) ch.localAddress()).getAddress());
        if (h == null) throw new IllegalStateException("connection from " + ch.localAddress() + " is not on an emulated host");
        return h;
    }

    /** Resolves the host once the channel is bound, then becomes an {@link InboundThrottleHandler}. */
    private final class LazyInbound extends io.netty.channel.ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(io.netty.channel.ChannelHandlerContext ctx) {
            ctx.pipeline().replace(this, "emulated-downlink", new InboundThrottleHandler(host(ctx.channel()).ingress));
            ctx.fireChannelActive();
        }
    }
}
