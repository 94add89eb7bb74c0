package io.darner.engine.net;

import io.darner.engine.protocol.FrameDecoder;
import io.darner.engine.protocol.FrameEncoder;
import io.darner.engine.protocol.Frames;
import io.darner.engine.protocol.ProtocolErrorHandler;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.RawUnixChannelOption;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The sockets of one process: an event loop group shared by every supernode and peer in it,
 * and the one pipeline layout all Darner connections use:
 * {@code [decorator] decoder encoder [extra] protocol-errors handler}.
 */
public final class Transport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Transport.class);
    private static final boolean EPOLL = Epoll.isAvailable() && !Boolean.getBoolean("darner.nio");

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Consumer<Channel> decorator;
    private final int maxFrameBytes;
    /** The congestion control every connection asks for (see {@link TcpCongestion}); null: the host's. */
    private final String congestion;

    private Transport(EventLoopGroup group, boolean ownsGroup, Consumer<Channel> decorator, int maxFrameBytes, String congestion) {
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.decorator = decorator;
        this.maxFrameBytes = maxFrameBytes;
        this.congestion = EPOLL ? congestion : null;
    }

    /** A transport with its own event loops ({@code threads} = 0: Netty's default, 2 × cores) and {@link TcpCongestion#DEFAULT}. */
    public static Transport create(int threads) {
        return create(threads, null);
    }

    /**
     * @param congestion a TCP congestion control name, {@link TcpCongestion#SYSTEM}, or null for the default
     * @throws IllegalArgumentException when the kernel lacks the algorithm named
     */
    public static Transport create(int threads, String congestion) {
        String resolved = TcpCongestion.resolve(congestion);
        DefaultThreadFactory threadFactory = new DefaultThreadFactory("darner-io", true);
        EventLoopGroup group = EPOLL ? new EpollEventLoopGroup(threads, threadFactory) : new NioEventLoopGroup(threads, threadFactory);
        return new Transport(group, true, ch -> {}, Frames.DEFAULT_MAX_FRAME_BYTES, resolved);
    }

    /**
     * A copy whose every channel first passes through {@code decorator} (which may add handlers
     * at the head of the pipeline, e.g. the benchmark's emulated links). Shares the event loops.
     */
    public Transport withDecorator(Consumer<Channel> decorator) {
        return new Transport(group, false, decorator, maxFrameBytes, congestion);
    }

    public EventLoopGroup group() {
        return group;
    }

    public EventLoop nextLoop() {
        return group.next();
    }

    public ChannelFuture listen(InetSocketAddress address, Supplier<ChannelHandler[]> handlers) {
        return listen(address, 0, handlers);
    }

    /**
     * @param sendBufferBytes the accepted connections' send buffer ({@code SO_SNDBUF}, which Linux
     *                        doubles); 0: the kernel's autotuning
     */
    public ChannelFuture listen(InetSocketAddress address, int sendBufferBytes, Supplier<ChannelHandler[]> handlers) {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer(handlers));
        if (sendBufferBytes > 0) b.childOption(ChannelOption.SO_SNDBUF, sendBufferBytes);
        return b.bind(address);
    }

    public ChannelFuture connect(EventLoop loop, InetSocketAddress local, InetSocketAddress remote, Supplier<ChannelHandler[]> handlers) {
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(EPOLL ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(initializer(handlers));
        return local == null ? b.connect(remote) : b.connect(remote, local);
    }

    private ChannelInitializer<SocketChannel> initializer(Supplier<ChannelHandler[]> handlers) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (congestion != null) askCongestion(ch);
                decorator.accept(ch);
                ch.pipeline().addLast("decoder", new FrameDecoder(maxFrameBytes));
                ch.pipeline().addLast("encoder", new FrameEncoder());
                ch.pipeline().addLast("protocol-errors", new ProtocolErrorHandler());
                ch.pipeline().addLast(handlers.get());
            }
        };
    }

    private static final RawUnixChannelOption TCP_CONGESTION = new RawUnixChannelOption("TCP_CONGESTION", 6 /* IPPROTO_TCP */, 13, 16);
    private static final AtomicBoolean REFUSAL_LOGGED = new AtomicBoolean();

    /** Asks for this transport's congestion control; where the kernel refuses, the connection keeps the host's. */
    private void askCongestion(SocketChannel ch) {
        // the kernel's TCP_CA_NAME_MAX: the name, NUL-padded to 16 bytes
        ByteBuffer name = ByteBuffer.allocateDirect(16);
        name.put(congestion.getBytes(StandardCharsets.US_ASCII)).clear();
        try {
            ch.config().setOption(TCP_CONGESTION, name);
        } catch (RuntimeException e) {
            if (REFUSAL_LOGGED.compareAndSet(false, true)) {
                log.info("TCP congestion control {} refused ({}); connections keep the host's default", congestion, e.toString());
            }
        }
    }

    @Override
    public void close() {
        if (ownsGroup) group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
