package io.darner.engine.peer;

import io.darner.engine.store.PieceStore;
import io.darner.engine.store.StoredContent;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order in which a node or a seed hands pieces to its sockets: tasks sharing a pacer take
 * turns by bytes, and tasks paced apart (e.g. tenants with their own origin caps) never wait for
 * each other. Real piece store files; {@link EmbeddedChannel}s as the children.
 */
class UploadQueueTest {
    private static final int BIG = 256 * 1024, SMALL = 64 * 1024;

    @TempDir
    Path dir;
    /** What the queue handed to the sockets, in order. */
    private record Handed(String taskId, long bytes) {}
    private final List<Handed> handedOut = new ArrayList<>();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final List<StoredContent> contents = new ArrayList<>();
    private PieceStore store;

    @AfterEach
    void close() throws Exception {
        for (EmbeddedChannel ch : channels) ch.finishAndReleaseAll();
        for (StoredContent c : contents) c.close();
    }

    private Servable servable(String taskId, int pieceSize, int pieces) throws Exception {
        if (store == null) store = PieceStore.open(dir);
        StoredContent c = store.openPartial(taskId, (long) pieceSize * pieces, pieceSize);
        contents.add(c);
        for (int i = 0; i < pieces; i++) c.verified().set(i);
        return new Servable(taskId, new byte[16], c, null);
    }

    /** A child whose writes complete as they are flushed. */
    private EmbeddedChannel child() {
        EmbeddedChannel ch = new EmbeddedChannel();
        channels.add(ch);
        return ch;
    }

    /** A child whose writes never complete, like a socket held back by a slow link or a cap. */
    private EmbeddedChannel stuckChild() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ReferenceCountUtil.release(msg);
            }
        });
        channels.add(ch);
        return ch;
    }

    private UploadQueue queue(Map<String, String> laneOfTask) {
        return new UploadQueue(512 * 1024, laneOfTask::get, (s, bytes) -> handedOut.add(new Handed(s.taskId, bytes)));
    }

    private void runWrites() {
        for (int round = 0; round < 100; round++) {
            for (EmbeddedChannel ch : channels) {
                ch.runPendingTasks();
                ch.releaseOutbound();
            }
        }
    }

    private static long bytesOf(String taskId, List<Handed> handed) {
        return handed.stream().filter(h -> h.taskId().equals(taskId)).mapToLong(Handed::bytes).sum();
    }

    @Test
    void tasksSharingAPacerTakeTurnsByBytesNotByRequests() throws Exception {
        Servable big = servable("big", BIG, 16);
        Servable small = servable("small", SMALL, 64);
        UploadQueue q = queue(Map.of("big", "lane", "small", "lane"));
        EmbeddedChannel a = child(), b = child();
        // the big task asks first and for everything: first come, first served would send it all first
        for (int i = 0; i < 16; i++) q.submit(a, big, i, 1, null, 0);
        for (int i = 0; i < 64; i++) q.submit(b, small, i, 1, null, 0);
        runWrites();

        assertThat(handedOut).hasSize(80);
        List<Handed> firstTwoMiB = new ArrayList<>();
        long sum = 0;
        for (Handed h : handedOut) {
            if (sum >= 2 * 1024 * 1024) break;
            firstTwoMiB.add(h);
            sum += h.bytes();
        }
        assertThat(bytesOf("small", firstTwoMiB)).as("small pieces get an equal share of the bytes: " + firstTwoMiB)
                .isBetween(768L * 1024, 1280L * 1024);
    }

    @Test
    void aLaneWhoseSocketsAreHeldBackDoesNotHoldBackAnotherLane() throws Exception {
        Servable capped = servable("capped", BIG, 8);
        Servable other = servable("other", BIG, 8);
        UploadQueue q = queue(Map.of("capped", "tenant-a", "other", "tenant-b"));
        EmbeddedChannel held = stuckChild(), free = child();
        for (int i = 0; i < 8; i++) q.submit(held, capped, i, 1, null, 0);
        for (int i = 0; i < 8; i++) q.submit(free, other, i, 1, null, 0);
        runWrites();

        assertThat(bytesOf("capped", handedOut)).as("its own budget of sockets, then it waits").isEqualTo(2L * BIG);
        assertThat(bytesOf("other", handedOut)).as("every piece of the other lane went out").isEqualTo(8L * BIG);
    }
}
