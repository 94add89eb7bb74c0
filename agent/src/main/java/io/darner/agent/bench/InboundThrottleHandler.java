package io.darner.agent.bench;

import io.darner.engine.rate.Pacer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * An emulated downlink: every chunk read from the socket is booked on the host's ingress pacer
 * and handed on only once the pacer says its last byte has arrived. While chunks wait, the
 * channel stops reading, so the sender meets TCP back-pressure as it would behind a slow link.
 */
final class InboundThrottleHandler extends ChannelInboundHandlerAdapter {
    private record Held(ByteBuf buf, long due) {}

    private final Pacer pacer;
    private final ArrayDeque<Held> queue = new ArrayDeque<>();
    private long lastDue = Long.MIN_VALUE;
    private ScheduledFuture<?> release;
    private boolean readCompletePending;

    InboundThrottleHandler(Pacer pacer) {
        this.pacer = pacer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        long now = System.nanoTime();
        long due = pacer.reserve(buf.readableBytes(), Math.max(now, lastDue));
        lastDue = due;
        if (queue.isEmpty() && due <= now) {
            ctx.fireChannelRead(buf);
            return;
        }
        queue.add(new Held(buf, due));
        ctx.channel().config().setAutoRead(false);
        schedule(ctx, now);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (queue.isEmpty()) {
            ctx.fireChannelReadComplete();
        } else {
            readCompletePending = true;
        }
    }

    private void schedule(ChannelHandlerContext ctx, long now) {
        Held head = queue.peek();
        if (release != null || head == null) return;
        release = ctx.executor().schedule(() -> release(ctx), Math.max(0, head.due - now), TimeUnit.NANOSECONDS);
    }

    private void release(ChannelHandlerContext ctx) {
        release = null;
        long now = System.nanoTime();
        Held h;
        while ((h = queue.peek()) != null && h.due <= now) {
            queue.poll();
            ctx.fireChannelRead(h.buf);
        }
        if (queue.isEmpty()) {
            if (readCompletePending) {
                readCompletePending = false;
                ctx.fireChannelReadComplete();
            }
            if (ctx.channel().isActive()) ctx.channel().config().setAutoRead(true);
        } else {
            schedule(ctx, now);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // deliver what had arrived before the close, in order, then the close itself
        Held h;
        while ((h = queue.poll()) != null) ctx.fireChannelRead(h.buf);
        if (release != null) release.cancel(false);
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        Held h;
        while ((h = queue.poll()) != null) ReferenceCountUtil.release(h.buf);
    }
}
