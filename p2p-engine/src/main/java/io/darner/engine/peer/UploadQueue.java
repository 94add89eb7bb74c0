package io.darner.engine.peer;

import io.darner.engine.protocol.Frame;
import io.darner.engine.protocol.FrameEncoder;
import io.darner.engine.store.StoredContent;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

import java.util.BitSet;
import java.util.PriorityQueue;

/**
 * One node's uploads, in the order that spreads pieces fastest: requests for the scarcest
 * pieces first (fewest holders among the requester's parents), then first come first served.
 * Only a couple of pieces are handed to the sockets at a time, so a request for a new piece
 * never waits behind megabytes of older ones; the rest wait here, where a Cancel still
 * removes them. Thread-safe: children's connections live on several event loops.
 */
final class UploadQueue {
    /** Pieces handed to sockets and not yet written out, in bytes; at least two pieces. */
    private final long maxInFlightBytes;
    private final PriorityQueue<Pending> queue = new PriorityQueue<>();
    private long inFlight;
    private long sequence;

    private final java.util.function.ObjLongConsumer<Servable> onUpload;

    UploadQueue(long maxInFlightBytes, java.util.function.ObjLongConsumer<Servable> onUpload) {
        this.maxInFlightBytes = maxInFlightBytes;
        this.onUpload = onUpload;
    }

    /** A child's request; {@code index} -1 asks a seed to choose (see {@link SeedPolicy}). */
    record Pending(Channel child, Servable servable, int index, int holders, BitSet childHas, int known, long seq)
            implements Comparable<Pending> {
        @Override
        public int compareTo(Pending o) {
            int c = Integer.compare(holders, o.holders);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    synchronized void submit(Channel child, Servable servable, int index, int holders, BitSet childHas, int known) {
        queue.add(new Pending(child, servable, index, holders, childHas, known, sequence++));
        pump();
    }

    synchronized void cancel(Channel child, int index) {
        queue.removeIf(p -> p.child == child && p.index == index);
    }

    synchronized void forget(Channel child) {
        queue.removeIf(p -> p.child == child);
    }

    private synchronized void sent(long bytes) {
        inFlight -= bytes;
        pump();
    }

    private void pump() {
        while (inFlight < maxInFlightBytes && !queue.isEmpty()) {
            Pending p = queue.poll();
            if (!p.child.isActive()) continue;
            StoredContent content = p.servable.content;
            int index = p.index;
            if (index < 0) {
                synchronized (p.childHas) {
                    index = p.servable.seedPolicy.choose(p.childHas, p.known);
                    if (index >= 0) p.childHas.set(index);
                }
                if (index < 0) {
                    p.child.writeAndFlush(new Frame.Reject(-1, "nothing new to send"), p.child.voidPromise());
                    continue;
                }
            } else if (index >= content.pieceCount() || !content.has(index)) {
                p.child.writeAndFlush(new Frame.Reject(index, "piece not held"), p.child.voidPromise());
                continue;
            }
            int length = content.pieceLength(index);
            inFlight += length;
            onUpload.accept(p.servable, length);
            write(p.child, content, index, length);
        }
    }

    private void write(Channel ch, StoredContent content, int index, int length) {
        ch.eventLoop().execute(() -> {
            ch.write(FrameEncoder.pieceHeader(ch.alloc(), index, length), ch.voidPromise());
            for (int off = 0; off < length; off += UploadHandler.CHUNK) {
                int n = Math.min(UploadHandler.CHUNK, length - off);
                boolean last = off + n >= length;
                if (last) {
                    ch.write(content.region(index, off, n)).addListener((ChannelFutureListener) f -> sent(length));
                } else {
                    ch.write(content.region(index, off, n), ch.voidPromise());
                }
            }
            if (length == 0) sent(0);
            ch.flush();
        });
    }
}
