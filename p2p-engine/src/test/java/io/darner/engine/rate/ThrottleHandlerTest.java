package io.darner.engine.rate;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Time is a fake clock shared by the pacer and the handler, and the EmbeddedChannel's event loop
 * is frozen and advanced with it: nothing sleeps, nothing depends on the wall clock.
 */
class ThrottleHandlerTest {

    private static final long T0 = 7_000_000_000L;
    private static final long MS = 1_000_000L;

    private final AtomicLong clock = new AtomicLong(T0);
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    /** 1 MB/s: 1000 bytes take 1 ms. */
    private TokenBucket bucket(long burstBytes) {
        return new TokenBucket(1_000_000, burstBytes, clock::get);
    }

    private EmbeddedChannel channel(ThrottleHandler handler) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(handler);
        channels.add(ch);
        return ch;
    }

    private void advance(long nanos) {
        clock.addAndGet(nanos);
        for (EmbeddedChannel ch : channels) {
            ch.advanceTimeBy(nanos, TimeUnit.NANOSECONDS);
            ch.runScheduledPendingTasks();
        }
    }

    private static ByteBuf buf(int size, int marker) {
        ByteBuf buf = Unpooled.buffer(size);
        buf.writeByte(marker);
        buf.writeZero(size - 1);
        return buf;
    }

    private static int markerOf(Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        int marker = buf.getByte(buf.readerIndex());
        buf.release();
        return marker;
    }

    @AfterEach
    void closeChannels() {
        channels.forEach(ch -> ch.finishAndReleaseAll());
    }

    @Test
    void writesComeOutInOrderAndNotBeforeTheirInstant() {
        EmbeddedChannel ch = channel(new ThrottleHandler(c -> bucket(1000), clock::get));

        ChannelFuture[] written = new ChannelFuture[4];
        for (int i = 0; i < 4; i++) {
            written[i] = ch.writeAndFlush(buf(1000, i));
        }

        assertThat(markerOf(ch.readOutbound())).as("the burst lets the first through").isEqualTo(0);
        assertThat(written[0].isSuccess()).isTrue();
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(written[1].isDone()).isFalse();

        advance(MS - 1);
        assertThat((Object) ch.readOutbound()).as("one nanosecond early").isNull();
        advance(1);
        assertThat(markerOf(ch.readOutbound())).isEqualTo(1);
        assertThat(written[1].isSuccess()).isTrue();
        assertThat((Object) ch.readOutbound()).isNull();

        advance(2 * MS);
        assertThat(markerOf(ch.readOutbound())).isEqualTo(2);
        assertThat(markerOf(ch.readOutbound())).isEqualTo(3);
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(written[3].isSuccess()).isTrue();
    }

    @Test
    void unlimitedPassesStraightThrough() {
        ThrottleHandler handler = new ThrottleHandler(Pacer.UNLIMITED);
        EmbeddedChannel ch = channel(handler);

        for (int i = 0; i < 10; i++) {
            ch.write(buf(65536, i));
        }
        assertThat(handler.queuedMessages()).isZero();
        ch.flush();
        for (int i = 0; i < 10; i++) {
            assertThat(markerOf(ch.readOutbound())).isEqualTo(i);
        }
    }

    @Test
    void messagesOfOtherTypesKeepTheirPlace() {
        ThrottleHandler handler = new ThrottleHandler(c -> bucket(0), clock::get);
        EmbeddedChannel ch = channel(handler);

        ch.writeAndFlush("before");
        assertThat((Object) ch.readOutbound()).as("nothing queued: passes at once").isEqualTo("before");

        ch.writeAndFlush(buf(1000, 1));
        ch.writeAndFlush("after");
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(handler.queuedMessages()).isEqualTo(2);
        assertThat(handler.queuedBytes()).isEqualTo(1000);

        advance(MS);
        assertThat(markerOf(ch.readOutbound())).isEqualTo(1);
        assertThat((Object) ch.readOutbound()).isEqualTo("after");
    }

    @Test
    void aMessageDueWhileTheReleaseIsLateStillWaitsItsTurn() {
        EmbeddedChannel ch = channel(new ThrottleHandler(c -> bucket(0), clock::get));
        ch.writeAndFlush(buf(1000, 1)); // due at +1 ms

        clock.addAndGet(MS); // the clock is there, the release task has not run yet
        ch.writeAndFlush("due too");
        assertThat((Object) ch.readOutbound()).isNull();

        ch.advanceTimeBy(MS, TimeUnit.NANOSECONDS); // the event loop catches up
        ch.runScheduledPendingTasks();
        assertThat(markerOf(ch.readOutbound())).isEqualTo(1);
        assertThat((Object) ch.readOutbound()).isEqualTo("due too");
    }

    @Test
    void aFlushDoesNotOvertakeHeldMessages() {
        EmbeddedChannel ch = channel(new ThrottleHandler(c -> bucket(1000), clock::get));

        ch.write(buf(1000, 0)); // passes (burst), not flushed yet
        ch.write(buf(1000, 1)); // held until +1 ms
        ch.flush();
        assertThat(markerOf(ch.readOutbound())).as("the flush flushes what went through").isEqualTo(0);
        assertThat((Object) ch.readOutbound()).isNull();

        ch.write(buf(1000, 2)); // held until +2 ms, no flush after it
        advance(MS);
        assertThat(markerOf(ch.readOutbound())).as("released and flushed").isEqualTo(1);

        advance(MS);
        assertThat((Object) ch.readOutbound()).as("released but never flushed").isNull();
        ch.flush();
        assertThat(markerOf(ch.readOutbound())).isEqualTo(2);
    }

    @Test
    void closeReleasesHeldMessagesAndFailsTheirPromises() {
        ThrottleHandler handler = new ThrottleHandler(c -> bucket(0), clock::get);
        EmbeddedChannel ch = channel(handler);
        List<ByteBuf> bufs = new ArrayList<>();
        List<ChannelFuture> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ByteBuf buf = buf(1000, i);
            bufs.add(buf);
            futures.add(ch.writeAndFlush(buf));
        }
        assertThat(handler.queuedMessages()).isEqualTo(3);

        ch.close();

        assertThat(bufs).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        assertThat(futures).allSatisfy(f -> assertThat(f.cause()).isInstanceOf(ClosedChannelException.class));
        assertThat(handler.queuedMessages()).isZero();
        assertThat(handler.queuedBytes()).isZero();
        advance(10 * MS);
        assertThat((Object) ch.readOutbound()).isNull();
    }

    @Test
    void inactiveChannelReleasesHeldMessages() {
        ThrottleHandler handler = new ThrottleHandler(c -> bucket(0), clock::get);
        EmbeddedChannel ch = channel(handler);
        ByteBuf buf = buf(1000, 0);
        ChannelFuture future = ch.writeAndFlush(buf);

        ch.pipeline().fireChannelInactive();

        assertThat(buf.refCnt()).isZero();
        assertThat(future.cause()).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void removingTheHandlerFromAnOpenChannelPassesHeldMessagesOn() {
        ThrottleHandler handler = new ThrottleHandler(c -> bucket(0), clock::get);
        EmbeddedChannel ch = channel(handler);
        ChannelFuture first = ch.writeAndFlush(buf(1000, 0));
        ChannelFuture second = ch.writeAndFlush(buf(1000, 1));

        ch.pipeline().remove(handler);

        assertThat(markerOf(ch.readOutbound())).isEqualTo(0);
        assertThat(markerOf(ch.readOutbound())).isEqualTo(1);
        assertThat(first.isSuccess()).isTrue();
        assertThat(second.isSuccess()).isTrue();
        advance(10 * MS);
        assertThat((Object) ch.readOutbound()).isNull();
    }

    @Test
    void fileRegionsAreCounted(@TempDir File dir) {
        ThrottleHandler handler = new ThrottleHandler(c -> bucket(0), clock::get);
        EmbeddedChannel ch = channel(handler);
        FileRegion region = new DefaultFileRegion(new File(dir, "never-opened"), 0, 3000);

        ch.writeAndFlush(region);
        ch.writeAndFlush(buf(1000, 9));
        assertThat(handler.queuedBytes()).isEqualTo(4000);

        advance(3 * MS - 1);
        assertThat((Object) ch.readOutbound()).isNull();
        advance(1);
        FileRegion out = ch.readOutbound();
        assertThat(out).isSameAs(region);
        out.release();
        assertThat((Object) ch.readOutbound()).isNull();
        advance(MS);
        assertThat(markerOf(ch.readOutbound())).isEqualTo(9);
    }

    @Test
    void heldFileRegionsAreReleasedOnClose(@TempDir File dir) {
        EmbeddedChannel ch = channel(new ThrottleHandler(c -> bucket(0), clock::get));
        FileRegion region = new DefaultFileRegion(new File(dir, "never-opened"), 0, 3000);

        ChannelFuture future = ch.writeAndFlush(region);
        ch.close();

        assertThat(region.refCnt()).isZero();
        assertThat(future.cause()).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void theResolverIsAskedOnceOnTheFirstWriteWithTheChannel() {
        AtomicInteger calls = new AtomicInteger();
        List<Channel> seen = new ArrayList<>();
        ThrottleHandler handler = new ThrottleHandler(c -> {
            calls.incrementAndGet();
            seen.add(c);
            return null; // null: unlimited
        }, clock::get);
        EmbeddedChannel ch = channel(handler);
        assertThat(calls).hasValue(0);

        ch.writeAndFlush(buf(1000, 0));
        ch.writeAndFlush(buf(1000, 1));

        assertThat(calls).hasValue(1);
        assertThat(seen).containsExactly(ch);
        assertThat(markerOf(ch.readOutbound())).isEqualTo(0);
        assertThat(markerOf(ch.readOutbound())).isEqualTo(1);
    }

    @Test
    void aSubclassCanPickThePacer() {
        TokenBucket slow = bucket(0);
        ThrottleHandler handler = new ThrottleHandler(c -> Pacer.UNLIMITED, clock::get) {
            @Override
            protected Pacer resolvePacer(Channel channel) {
                return slow;
            }
        };
        EmbeddedChannel ch = channel(handler);

        ch.writeAndFlush(buf(1000, 0));
        assertThat((Object) ch.readOutbound()).isNull();
        advance(MS);
        assertThat(markerOf(ch.readOutbound())).isEqualTo(0);
    }

    @Test
    void aFailingResolverFailsTheWriteWithoutLeaking() {
        EmbeddedChannel ch = channel(new ThrottleHandler(c -> {
            throw new IllegalStateException("no bucket for this peer");
        }, clock::get));
        ByteBuf buf = buf(1000, 0);

        ChannelFuture future = ch.writeAndFlush(buf);

        assertThat(future.cause()).hasMessage("no bucket for this peer");
        assertThat(buf.refCnt()).isZero();
    }

    @Test
    void channelsSharingAPacerShareItsRate() {
        TokenBucket shared = bucket(0);
        EmbeddedChannel a = channel(new ThrottleHandler(c -> shared, clock::get));
        EmbeddedChannel b = channel(new ThrottleHandler(c -> shared, clock::get));

        a.writeAndFlush(buf(1000, 1));
        b.writeAndFlush(buf(1000, 2));
        a.writeAndFlush(buf(1000, 3));

        advance(MS);
        assertThat(markerOf(a.readOutbound())).isEqualTo(1);
        assertThat((Object) b.readOutbound()).isNull();
        advance(MS);
        assertThat(markerOf(b.readOutbound())).isEqualTo(2);
        assertThat((Object) a.readOutbound()).isNull();
        advance(MS);
        assertThat(markerOf(a.readOutbound())).isEqualTo(3);
    }

    @Test
    void heldBytesAboveTheHighWaterMarkMakeTheChannelUnwritable() {
        ThrottleHandler handler = new ThrottleHandler(c -> bucket(0), clock::get);
        EmbeddedChannel ch = channel(handler);
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1500, 3000));

        for (int i = 0; i < 3; i++) {
            ch.writeAndFlush(buf(1000, i));
        }
        assertThat(ch.isWritable()).as("3000 held: at the mark, not above").isTrue();
        ch.writeAndFlush(buf(1000, 3));
        assertThat(ch.isWritable()).isFalse();

        advance(2 * MS); // 2000 held
        assertThat(ch.isWritable()).as("not yet below the low mark").isFalse();
        advance(MS); // 1000 held
        assertThat(ch.isWritable()).isTrue();
        advance(MS);
        for (int i = 0; i < 4; i++) {
            assertThat(markerOf(ch.readOutbound())).isEqualTo(i);
        }
    }

    @Test
    void removingTheHandlerRestoresWritability() {
        ThrottleHandler handler = new ThrottleHandler(c -> bucket(0), clock::get);
        EmbeddedChannel ch = channel(handler);
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(100, 200));
        ch.writeAndFlush(buf(1000, 0));
        assertThat(ch.isWritable()).isFalse();

        ch.pipeline().remove(handler);

        assertThat(ch.isWritable()).isTrue();
        assertThat(markerOf(ch.readOutbound())).isEqualTo(0);
    }
}
