package io.darner.engine.rate;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Paces a channel's outbound bytes through a {@link Pacer}.
 *
 * <p>Every outbound {@link ByteBuf}, {@link ByteBufHolder} or {@link FileRegion} is booked on the
 * pacer ({@code readableBytes()}, {@code count() - transferred()}) right after the channel's
 * previous message, and is held until the instant the pacer returns, i.e. until the link has
 * passed its bytes. A message whose instant has come (thanks to the pacer's burst) and that has
 * nothing queued before it goes through at once. Messages of other types count 0 bytes and keep
 * their place in the order. The order of writes is always preserved; a flush never overtakes
 * held messages: it flushes what has already gone through, and the held messages written before
 * it are flushed when they are released.
 *
 * <p><b>The handler does not split messages.</b> Since a message is held until its last byte has
 * passed, write chunks of at most 64 KiB (and give the pacer a burst of at least one chunk) to get
 * a smooth rate.
 *
 * <p>Back-pressure: while more than the channel's write-buffer high water mark is held here, the
 * handler clears user-defined writability bit {@link #WRITABILITY_INDEX}, so
 * {@link Channel#isWritable()} turns false; it sets it again below the low water mark.
 *
 * <p>On close, or when the channel goes inactive, held messages are released and their promises
 * failed with a {@link ClosedChannelException}. If the handler is removed while the channel is
 * still open, the held messages are passed on unpaced, in order (and flushed if a flush had
 * been requested after them).
 *
 * <p>The pacer is resolved lazily on the first write, so a resolver can look at the channel's
 * remote address. The clock must be the one the pacer uses ({@link System#nanoTime()} by default).
 * One instance per channel (not sharable); pacers may be shared.
 */
public class ThrottleHandler extends ChannelDuplexHandler {

    /** The user-defined writability bit this handler drives (Netty's traffic shaping handlers use 1 to 3). */
    public static final int WRITABILITY_INDEX = 4;

    private final Function<? super Channel, ? extends Pacer> pacerResolver;
    private final LongSupplier nanoClock;
    private final ArrayDeque<Held> queue = new ArrayDeque<>();

    private ChannelHandlerContext ctx;
    private Pacer pacer;
    /** Completion instant of this channel's last booked message; the next one starts after it. */
    private long lastDue = Long.MIN_VALUE;
    private long queuedBytes;
    private ScheduledFuture<?> releaseTask;
    private boolean closed;
    private boolean madeUnwritable;

    /** Paces through {@code pacer}, on {@link System#nanoTime()}. */
    public ThrottleHandler(Pacer pacer) {
        this(constant(pacer), System::nanoTime);
    }

    /**
     * Paces through the pacer {@code pacerResolver} returns for the channel, asked once, on the
     * first write ({@code null} means {@link Pacer#UNLIMITED}); on {@link System#nanoTime()}.
     */
    public ThrottleHandler(Function<? super Channel, ? extends Pacer> pacerResolver) {
        this(pacerResolver, System::nanoTime);
    }

    /** As {@link #ThrottleHandler(Function)}, on {@code nanoClock}: the clock the pacer uses. */
    public ThrottleHandler(Function<? super Channel, ? extends Pacer> pacerResolver, LongSupplier nanoClock) {
        this.pacerResolver = Objects.requireNonNull(pacerResolver, "pacerResolver");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    private static Function<Channel, Pacer> constant(Pacer pacer) {
        Objects.requireNonNull(pacer, "pacer");
        return channel -> pacer;
    }

    /**
     * Picks the pacer for {@code channel}; called once, on the first write. The default asks the
     * resolver given to the constructor.
     */
    protected Pacer resolvePacer(Channel channel) {
        Pacer resolved = pacerResolver.apply(channel);
        return resolved == null ? Pacer.UNLIMITED : resolved;
    }

    /** Messages held, waiting for their instant. Call on the channel's event loop. */
    public int queuedMessages() {
        return queue.size();
    }

    /** Bytes held, waiting for their instant. Call on the channel's event loop. */
    public long queuedBytes() {
        return queuedBytes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (closed) { // the channel is closing: let the transport fail it
            ctx.write(msg, promise);
            return;
        }
        long size = sizeOf(msg);
        long due;
        try {
            due = book(ctx.channel(), size);
        } catch (RuntimeException | Error e) {
            ReferenceCountUtil.safeRelease(msg);
            promise.tryFailure(e);
            return;
        }
        long now = nanoClock.getAsLong();
        if (queue.isEmpty() && due <= now) {
            ctx.write(msg, promise);
            return;
        }
        queue.addLast(new Held(msg, promise, size, due));
        queuedBytes += size;
        updateWritability();
        scheduleRelease(now);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        Held last = queue.peekLast();
        if (last != null) {
            last.flushAfter = true; // flushed when released, not before
        }
        ctx.flush(); // what already went through precedes every held message
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        closed = true;
        failHeld();
        super.close(ctx, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closed = true;
        failHeld();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (!closed && ctx.channel().isOpen()) {
            passHeldOn();
        } else {
            failHeld();
        }
        if (madeUnwritable) {
            madeUnwritable = false;
            ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
            if (buffer != null) {
                buffer.setUserDefinedWritability(WRITABILITY_INDEX, true);
            }
        }
    }

    private long book(Channel channel, long size) {
        if (pacer == null) {
            pacer = resolvePacer(channel);
        }
        if (size <= 0) {
            return lastDue;
        }
        long due = lastDue;
        for (long left = size; left > 0; left -= Integer.MAX_VALUE) { // FileRegions may exceed an int
            due = pacer.reserve((int) Math.min(left, Integer.MAX_VALUE), due);
        }
        lastDue = due;
        return due;
    }

    private void scheduleRelease(long now) {
        Held head = queue.peekFirst();
        if (releaseTask != null || head == null) {
            return;
        }
        long delay = Math.max(0, head.due - now);
        releaseTask = ctx.executor().schedule(this::release, delay, TimeUnit.NANOSECONDS);
    }

    private void release() {
        releaseTask = null;
        long now = nanoClock.getAsLong();
        boolean flush = false;
        Held held;
        while ((held = queue.peekFirst()) != null && held.due <= now) {
            queue.pollFirst();
            queuedBytes -= held.size;
            flush |= held.flushAfter;
            ctx.write(held.msg, held.promise);
        }
        updateWritability();
        if (flush) {
            ctx.flush();
        }
        scheduleRelease(now);
    }

    private void passHeldOn() {
        cancelRelease();
        boolean flush = false;
        Held held;
        while ((held = queue.pollFirst()) != null) {
            flush |= held.flushAfter;
            ctx.write(held.msg, held.promise);
        }
        queuedBytes = 0;
        if (flush) {
            ctx.flush();
        }
    }

    private void failHeld() {
        cancelRelease();
        if (queue.isEmpty()) {
            return;
        }
        ClosedChannelException cause = new ClosedChannelException();
        Held held;
        while ((held = queue.pollFirst()) != null) {
            ReferenceCountUtil.safeRelease(held.msg);
            held.promise.tryFailure(cause);
        }
        queuedBytes = 0;
        updateWritability();
    }

    private void cancelRelease() {
        if (releaseTask != null) {
            releaseTask.cancel(false);
            releaseTask = null;
        }
    }

    private void updateWritability() {
        ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
        if (buffer == null) {
            return;
        }
        ChannelConfig config = ctx.channel().config();
        if (!madeUnwritable && queuedBytes > config.getWriteBufferHighWaterMark()) {
            madeUnwritable = true;
            buffer.setUserDefinedWritability(WRITABILITY_INDEX, false);
        } else if (madeUnwritable && queuedBytes < config.getWriteBufferLowWaterMark()) {
            madeUnwritable = false;
            buffer.setUserDefinedWritability(WRITABILITY_INDEX, true);
        }
    }

    private static long sizeOf(Object msg) {
        if (msg instanceof ByteBuf buf) {
            return buf.readableBytes();
        }
        if (msg instanceof ByteBufHolder holder) {
            return holder.content().readableBytes();
        }
        if (msg instanceof FileRegion region) {
            return Math.max(0, region.count() - region.transferred());
        }
        return 0;
    }

    private static final class Held {
        final Object msg;
        final ChannelPromise promise;
        final long size;
        final long due;
        boolean flushAfter;

        Held(Object msg, ChannelPromise promise, long size, long due) {
            this.msg = msg;
            this.promise = promise;
            this.size = size;
            this.due = due;
        }
    }
}
