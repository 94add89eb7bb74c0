package io.darner.engine.peer;

import io.darner.engine.protocol.Frame;
import io.darner.engine.rate.Pacer;
import io.darner.engine.rate.ThrottleHandler;
import io.darner.engine.store.StoredContent;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;

/**
 * One child's connection to this node. The first frame must be a Handshake with the task's
 * token; anything else closes the connection with a reason and no piece byte sent.
 */
final class UploadHandler extends SimpleChannelInboundHandler<Frame> {
    private static final Logger log = LoggerFactory.getLogger(UploadHandler.class);
    /** Pieces go out in chunks of at most this many bytes so link emulation and caps stay smooth. */
    static final int CHUNK = 64 * 1024;

    /** How long a handshake for a task this node has not heard of yet is held. */
    static final long TASK_WAIT_MILLIS = 3000;

    private final UploadService service;
    private boolean waitedForTask;
    private Servable servable;
    /** On a seed: pieces the child holds or was sent on this connection. */
    private BitSet childHas;

    UploadHandler(UploadService service) {
        this.service = service;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        if (servable == null) {
            handshake(ctx, frame);
            return;
        }
        switch (frame.type()) {
            case REQUEST -> {
                Frame.Request r = (Frame.Request) frame;
                service.queue().submit(ctx.channel(), servable, r.index(), r.holders(), null, 0);
            }
            case REQUEST_ANY -> serveAny(ctx, ((Frame.RequestAny) frame).knownPieces());
            case HAVE -> {
                if (childHas != null) {
                    synchronized (childHas) {
                        for (int index : ((Frame.Have) frame).indexes()) childHas.set(index);
                    }
                }
            }
            case CANCEL -> service.queue().cancel(ctx.channel(), ((Frame.Cancel) frame).index());
            case GOODBYE -> ctx.close();
            default -> bye(ctx, "unexpected " + frame.type() + " on a data connection");
        }
    }

    private void handshake(ChannelHandlerContext ctx, Frame frame) {
        if (!(frame instanceof Frame.Handshake hs)) {
            bye(ctx, "expected HANDSHAKE first, got " + frame.type());
            return;
        }
        if (hs.protocolVersion() != Frame.PROTOCOL_VERSION) {
            bye(ctx, "protocol version " + hs.protocolVersion() + " is not supported (this node speaks " + Frame.PROTOCOL_VERSION + ")");
            return;
        }
        Servable s = service.servable(hs.taskId());
        if (s == null) {
            if (waitedForTask) {
                bye(ctx, "unknown task " + hs.taskId());
                return;
            }
            // hold the handshake until this node hears of the task (or give up after a while)
            waitedForTask = true;
            ctx.channel().config().setAutoRead(false);
            var timeout = ctx.executor().schedule(() -> bye(ctx, "unknown task " + hs.taskId()), TASK_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            service.whenOffered(hs.taskId(), () -> ctx.executor().execute(() -> {
                if (timeout.cancel(false) && ctx.channel().isActive()) {
                    ctx.channel().config().setAutoRead(true);
                    handshake(ctx, hs);
                }
            }));
            return;
        }
        if (!MessageDigest.isEqual(s.token, hs.token())) {
            log.warn("refused peer {} from {}: wrong token for task {}", hs.nodeId(), ctx.channel().remoteAddress(), hs.taskId());
            bye(ctx, "wrong token for task " + hs.taskId());
            return;
        }
        servable = s;
        if (s.seedPolicy != null) childHas = new BitSet();
        Pacer pacer = service.pacerFor(s.taskId);
        if (pacer != Pacer.UNLIMITED) {
            ctx.pipeline().addBefore("decoder", "upload-limit", new ThrottleHandler(ch -> pacer));
        }
        StoredContent content = s.content;
        ctx.writeAndFlush(new Frame.Bitfield(content.pieceCount(), content.verified().toWireBytes()));
        s.children.add(ctx.channel());
        ctx.channel().closeFuture().addListener(f -> {
            s.children.remove(ctx.channel());
            service.queue().forget(ctx.channel());
        });
    }

    private void serveAny(ChannelHandlerContext ctx, int known) {
        if (servable.seedPolicy == null) {
            ctx.writeAndFlush(new Frame.Reject(-1, "not a seed"));
            return;
        }
        // the seed picks the piece when the upload slot frees up, with the freshest hand-out counts
        service.queue().submit(ctx.channel(), servable, -1, 0, childHas, known);
    }

    private static void bye(ChannelHandlerContext ctx, String reason) {
        ctx.writeAndFlush(new Frame.Goodbye(reason)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("data connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
