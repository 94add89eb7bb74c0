package io.darner.engine.peer;

import io.darner.engine.api.PeerConfig;
import io.darner.engine.auth.ClusterSecret;
import io.darner.engine.protocol.Frame;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A node's connection to its supernodes: answers the challenge with an HMAC of the cluster
 * secret, heartbeats, relays task frames both ways. When the supernode in use goes away it
 * moves to the next one listed and re-joins the node's active tasks there. Owned by one loop.
 */
final class ControlClient {
    private static final Logger log = LoggerFactory.getLogger(ControlClient.class);

    private final PeerNode node;
    private final PeerConfig config;
    private final ClusterSecret secret;
    private final EventLoop loop;
    private final Queue<Frame> pending = new ArrayDeque<>();
    private final CompletableFuture<Void> firstRegistration = new CompletableFuture<>();
    private Channel channel;
    private volatile boolean registered;
    private boolean closed;
    private int next;
    private int failures;
    private ScheduledFuture<?> heartbeat;
    private volatile String refusal;

    ControlClient(PeerNode node, EventLoop loop) {
        this.node = node;
        this.config = node.config();
        this.secret = new ClusterSecret(config.secret());
        this.loop = loop;
    }

    void start() {
        loop.execute(this::connectNext);
    }

    boolean isRegistered() {
        return registered;
    }

    CompletableFuture<Void> registration() {
        return firstRegistration;
    }

    String refusal() {
        return refusal;
    }

    /** Sends now when registered, else after the next registration. */
    void send(Frame frame) {
        if (loop.inEventLoop()) {
            doSend(frame);
        } else {
            loop.execute(() -> doSend(frame));
        }
    }

    private void doSend(Frame frame) {
        if (closed) return;
        if (registered && channel != null && channel.isActive()) {
            channel.writeAndFlush(frame, channel.voidPromise());
        } else if (!(frame instanceof Frame.Progress)) {
            pending.add(frame);
        }
    }

    private void connectNext() {
        if (closed || config.supernodes().isEmpty()) return;
        InetSocketAddress target = config.supernodes().get(next++ % config.supernodes().size());
        InetSocketAddress local = new InetSocketAddress(config.listen().getAddress(), 0);
        node.transport().connect(loop, local, target, () -> new ChannelHandler[] {new Handler(target)})
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        log.debug("node {}: supernode {} unreachable: {}", config.nodeId(), target, f.cause().toString());
                        retryLater();
                    }
                });
    }

    private void retryLater() {
        if (closed) return;
        failures++;
        long delay = Math.min(2000, 100L * failures);
        loop.schedule(this::connectNext, delay, TimeUnit.MILLISECONDS);
    }

    void close() {
        loop.execute(() -> {
            closed = true;
            if (heartbeat != null) heartbeat.cancel(false);
            if (channel != null) channel.writeAndFlush(new Frame.Goodbye("shutting down")).addListener(ChannelFutureListener.CLOSE);
        });
    }

    private final class Handler extends SimpleChannelInboundHandler<Frame> {
        private final InetSocketAddress supernode;

        Handler(InetSocketAddress supernode) {
            this.supernode = supernode;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
            if (frame instanceof Frame.Challenge c) {
                if (c.protocolVersion() != Frame.PROTOCOL_VERSION) {
                    refusal = "supernode " + supernode + " speaks protocol " + c.protocolVersion() + ", this node " + Frame.PROTOCOL_VERSION;
                    ctx.close();
                    return;
                }
                InetSocketAddress data = node.upload().address();
                ctx.writeAndFlush(new Frame.Register(Frame.PROTOCOL_VERSION, config.nodeId(), config.room(),
                        config.listen().getAddress().getHostAddress(), data.getPort(),
                        config.plannedUploadBytesPerSecond(), config.downloadBytesPerSecond(),
                        secret.proof(c.nonce(), config.nodeId())));
            } else if (frame instanceof Frame.Registered r) {
                onRegistered(ctx.channel(), r);
            } else if (frame instanceof Frame.Goodbye g) {
                if (!registered) {
                    refusal = "supernode " + supernode + " refused this node: " + g.reason();
                    log.error("node {}: {}", config.nodeId(), refusal);
                    firstRegistration.completeExceptionally(new IllegalStateException(refusal));
                }
                ctx.close();
            } else {
                node.onControlFrame(frame);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (channel == ctx.channel()) {
                channel = null;
                registered = false;
                if (heartbeat != null) heartbeat.cancel(false);
                log.info("node {}: lost supernode {}", config.nodeId(), supernode);
            }
            if (refusal == null) retryLater();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("node {}: control connection error: {}", config.nodeId(), cause.toString());
            ctx.close();
        }
    }

    private void onRegistered(Channel ch, Frame.Registered r) {
        channel = ch;
        registered = true;
        failures = 0;
        log.info("node {}: registered with supernode {} at {}", config.nodeId(), r.supernodeId(), ch.remoteAddress());
        long every = Math.max(100, r.heartbeatMillis());
        heartbeat = loop.scheduleAtFixedRate(() -> ch.writeAndFlush(new Frame.Heartbeat(System.currentTimeMillis()), ch.voidPromise()), every, every, TimeUnit.MILLISECONDS);
        boolean first = !firstRegistration.isDone();
        firstRegistration.complete(null);
        if (!first) node.rejoinAll();
        while (!pending.isEmpty()) ch.write(pending.poll(), ch.voidPromise());
        ch.flush();
    }
}
