package io.darner.engine.supernode;

import io.darner.engine.auth.ClusterSecret;
import io.darner.engine.protocol.Frame;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supernode's side of one node's control connection: challenge, check the HMAC proof,
 * then pass every frame to the scheduler as an event.
 */
final class ControlHandler extends SimpleChannelInboundHandler<Frame> {
    private static final Logger log = LoggerFactory.getLogger(ControlHandler.class);
    private final Scheduler scheduler;
    private final String supernodeId;
    private final byte[] nonce = ClusterSecret.nonce();
    private String nodeId;

    ControlHandler(Scheduler scheduler, String supernodeId) {
        this.scheduler = scheduler;
        this.supernodeId = supernodeId;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(new Frame.Challenge(Frame.PROTOCOL_VERSION, supernodeId, nonce));
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        if (nodeId == null) {
            if (!(frame instanceof Frame.Register r)) {
                bye(ctx, "expected REGISTER first, got " + frame.type());
                return;
            }
            if (r.protocolVersion() != Frame.PROTOCOL_VERSION) {
                bye(ctx, "protocol version " + r.protocolVersion() + " is not supported (supernode speaks " + Frame.PROTOCOL_VERSION + ")");
                return;
            }
            if (!scheduler.secret().verify(nonce, r.nodeId(), r.proof())) {
                log.warn("supernode {}: refused node '{}' from {}: authentication failed (wrong cluster secret)", supernodeId, r.nodeId(), ctx.channel().remoteAddress());
                bye(ctx, "authentication failed: wrong cluster secret");
                return;
            }
            if (r.nodeId().isBlank() || r.dataPort() <= 0 || r.dataPort() > 65535) {
                bye(ctx, "invalid registration: node id and data port are required");
                return;
            }
            nodeId = r.nodeId();
            scheduler.registered(ctx.channel(), r);
            return;
        }
        if (frame instanceof Frame.Heartbeat) {
            scheduler.heartbeat(nodeId);
        } else if (frame instanceof Frame.JoinTask j) {
            scheduler.join(nodeId, j);
        } else if (frame instanceof Frame.Progress p) {
            scheduler.progress(nodeId, p);
        } else if (frame instanceof Frame.Result r) {
            scheduler.result(nodeId, r);
        } else if (frame instanceof Frame.PeerReport p) {
            scheduler.peerReport(nodeId, p);
        } else if (frame instanceof Frame.Goodbye) {
            ctx.close();
        } else {
            bye(ctx, "unexpected " + frame.type() + " from a node");
        }
    }

    private static void bye(ChannelHandlerContext ctx, String reason) {
        ctx.writeAndFlush(new Frame.Goodbye(reason)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (nodeId != null) scheduler.disconnected(nodeId, ctx.channel());
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("supernode {}: control connection of {} failed: {}", supernodeId, nodeId, cause.toString());
        ctx.close();
    }
}
