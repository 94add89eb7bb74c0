package io.darner.engine.peer;

import io.darner.engine.protocol.Frame;
import io.darner.engine.store.StoredContent;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A task's content as this node offers it to other peers: the token they must present, the
 * pieces held so far, and the children (connections of peers downloading from this node).
 */
final class Servable {
    final String taskId;
    final byte[] token;
    volatile StoredContent content;
    /** Non-null on a seed: hands out distinct pieces first. */
    final SeedPolicy seedPolicy;
    final Set<Channel> children = ConcurrentHashMap.newKeySet();
    final LongAdder uploadedBytes = new LongAdder();

    Servable(String taskId, byte[] token, StoredContent content, SeedPolicy seedPolicy) {
        this.taskId = taskId;
        this.token = token;
        this.content = content;
        this.seedPolicy = seedPolicy;
    }

    /**
     * Tells every child that this node now holds {@code index}. Announcements to a child are
     * gathered for up to {@link #HAVE_BATCH_NANOS} and sent as one frame: a swarm sends a
     * HAVE per piece per child, so one frame per piece would cost more CPU than the pieces.
     */
    void announce(int index) {
        for (Channel child : children) {
            PendingHaves pending = child.attr(PENDING_HAVES).get();
            if (pending == null) {
                PendingHaves fresh = new PendingHaves();
                pending = child.attr(PENDING_HAVES).setIfAbsent(fresh);
                if (pending == null) pending = fresh;
            }
            if (pending.add(index)) {
                PendingHaves p = pending;
                child.eventLoop().schedule(() -> {
                    int[] batch = p.drain();
                    if (batch.length > 0) child.writeAndFlush(new Frame.Have(batch), child.voidPromise());
                }, HAVE_BATCH_NANOS, TimeUnit.NANOSECONDS);
            }
        }
    }

    /** How long a piece announcement may wait for others to share its frame. */
    static final long HAVE_BATCH_NANOS = 2_000_000;

    private static final AttributeKey<PendingHaves> PENDING_HAVES = AttributeKey.valueOf("darner.pendingHaves");

    /** Indexes waiting to be announced to one child. */
    private static final class PendingHaves {
        private int[] items = new int[16];
        private int size;

        /** @return true when this is the first pending index (the caller schedules the send) */
        synchronized boolean add(int index) {
            if (size == items.length) items = Arrays.copyOf(items, size * 2);
            items[size++] = index;
            return size == 1;
        }

        synchronized int[] drain() {
            int[] out = Arrays.copyOf(items, size);
            size = 0;
            return out;
        }
    }
}
