package io.darner.engine.peer;

import io.darner.engine.protocol.Frame;
import io.darner.engine.protocol.FrameEncoder;
import io.darner.engine.store.StoredContent;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * One node's uploads, in the order that spreads pieces fastest: requests for the scarcest
 * pieces first (fewest holders among the requester's parents), then first come first served.
 * Only a couple of pieces are handed to the sockets at a time, so a request for a new piece
 * never waits behind megabytes of older ones; the rest wait here, where a Cancel still
 * removes them. Thread-safe: children's connections live on several event loops.
 *
 * <p>Tasks paced by different {@link io.darner.engine.rate.Pacer}s (e.g. a seed's tenants with
 * their own origin caps) wait in separate lanes, each with its own in-flight budget: a piece
 * held back by one tenant's cap never keeps another tenant's pieces from the sockets.
 */
final class UploadQueue {
    /** Pieces of one lane handed to sockets and not yet written out, in bytes. */
    private final long maxInFlightBytes;
    private final Function<String, Object> laneOfTask;
    private final Map<Object, Lane> lanes = new HashMap<>();
    private long sequence;

    private final java.util.function.ObjLongConsumer<Servable> onUpload;

    /** @param laneOfTask a task's lane key: tasks with equal keys share a lane (and its budget) */
    UploadQueue(long maxInFlightBytes, Function<String, Object> laneOfTask, java.util.function.ObjLongConsumer<Servable> onUpload) {
        this.maxInFlightBytes = maxInFlightBytes;
        this.laneOfTask = laneOfTask;
        this.onUpload = onUpload;
    }

    /**
     * The requests of the tasks sharing a pacer: each task's in scarcity order; the tasks take
     * turns by bytes (deficit round robin), so a task of small pieces gets as many bytes as one
     * of big pieces.
     */
    private static final class Lane {
        /** Bytes a task may take per turn, on top of what it did not use. */
        static final long QUANTUM = 256 * 1024;
        /** The tasks with requests waiting, by task and in the order they are served next. */
        final Map<Servable, Waiting> byTask = new HashMap<>();
        final ArrayDeque<Waiting> turn = new ArrayDeque<>();
        long inFlight;

        /** One task's waiting requests, most urgent first, and the bytes its turns have left it. */
        private static final class Waiting {
            final PriorityQueue<Pending> requests = new PriorityQueue<>();
            long deficit;
        }

        void add(Pending p) {
            Waiting w = byTask.computeIfAbsent(p.servable, k -> {
                Waiting fresh = new Waiting();
                turn.addLast(fresh);
                return fresh;
            });
            w.requests.add(p);
        }

        /** The most urgent request of the task whose turn it is, or null if none waits. */
        Pending poll() {
            Waiting w;
            while ((w = turn.peekFirst()) != null) {
                long next = cost(w.requests.peek());
                if (w.deficit < next) {
                    // its turn is over: it keeps what it did not use and goes to the back with a new quantum
                    turn.addLast(turn.pollFirst());
                    w.deficit += QUANTUM;
                    continue;
                }
                Pending p = w.requests.poll();
                w.deficit -= next;
                if (w.requests.isEmpty()) {
                    byTask.remove(p.servable);
                    turn.pollFirst();
                }
                return p;
            }
            return null;
        }

        /** The bytes a request brings: its piece's, or for a seed's choice (-1) the first piece's. */
        private static long cost(Pending p) {
            StoredContent c = p.servable.content;
            return c.pieceCount() == 0 ? 0 : c.pieceLength(Math.max(0, Math.min(p.index, c.pieceCount() - 1)));
        }

        void removeIf(java.util.function.Predicate<Pending> which) {
            for (Waiting w : turn) w.requests.removeIf(which);
            turn.removeIf(w -> w.requests.isEmpty());
            byTask.values().removeIf(w -> w.requests.isEmpty());
        }
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
        Lane lane = lanes.computeIfAbsent(laneOfTask.apply(servable.taskId), k -> new Lane());
        lane.add(new Pending(child, servable, index, holders, childHas, known, sequence++));
        pump(lane);
    }

    synchronized void cancel(Channel child, int index) {
        for (Lane lane : lanes.values()) lane.removeIf(p -> p.child == child && p.index == index);
    }

    synchronized void forget(Channel child) {
        for (Lane lane : lanes.values()) lane.removeIf(p -> p.child == child);
    }

    private synchronized void sent(Lane lane, long bytes) {
        lane.inFlight -= bytes;
        pump(lane);
    }

    private void pump(Lane lane) {
        Pending p;
        while (lane.inFlight < maxInFlightBytes && (p = lane.poll()) != null) {
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
            lane.inFlight += length;
            onUpload.accept(p.servable, length);
            write(lane, p.child, content, index, length);
        }
    }

    private void write(Lane lane, Channel ch, StoredContent content, int index, int length) {
        ch.eventLoop().execute(() -> {
            ch.write(FrameEncoder.pieceHeader(ch.alloc(), index, length), ch.voidPromise());
            for (int off = 0; off < length; off += UploadHandler.CHUNK) {
                int n = Math.min(UploadHandler.CHUNK, length - off);
                boolean last = off + n >= length;
                if (last) {
                    ch.write(content.region(index, off, n)).addListener((ChannelFutureListener) f -> sent(lane, length));
                } else {
                    ch.write(content.region(index, off, n), ch.voidPromise());
                }
            }
            if (length == 0) sent(lane, 0);
            ch.flush();
        });
    }
}
