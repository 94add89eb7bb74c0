package io.darner.engine.peer;

import io.darner.engine.protocol.Frame;
import io.darner.engine.store.StoredContent;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
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

    /** Tells every child that this node now holds {@code index}; flushes are coalesced per loop turn. */
    void announce(int index) {
        Frame.Have have = new Frame.Have(index);
        for (Channel child : children) {
            child.write(have, child.voidPromise());
            AtomicBoolean pending = child.attr(FLUSH_PENDING).setIfAbsent(new AtomicBoolean());
            if (pending == null) pending = child.attr(FLUSH_PENDING).get();
            if (pending.compareAndSet(false, true)) {
                AtomicBoolean flag = pending;
                child.eventLoop().execute(() -> {
                    flag.set(false);
                    child.flush();
                });
            }
        }
    }

    private static final AttributeKey<AtomicBoolean> FLUSH_PENDING = AttributeKey.valueOf("darner.flushPending");
}
