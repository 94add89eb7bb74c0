package io.darner.engine.peer;

import io.netty.channel.Channel;

import java.net.InetSocketAddress;
import java.util.BitSet;
import java.util.LinkedHashMap;

/** A child's view of one parent connection. Owned by the task's event loop. */
final class ParentLink {
    final String nodeId;
    final InetSocketAddress address;
    final boolean seed;
    Channel channel;
    /** True once the parent's Bitfield arrived. */
    boolean ready;
    boolean closed;
    /** Set when this side dropped the parent on purpose (no reconnect). */
    String dropReason;
    final BitSet bits = new BitSet();
    /** Requested piece -> System.nanoTime() of the request, in request order. */
    final LinkedHashMap<Integer, Long> outstanding = new LinkedHashMap<>();
    /** RequestAny frames in flight (seed only). */
    int anyOutstanding;
    /** The seed has nothing new below this many known pieces. */
    int seedDryAt = -1;
    long lastPieceNanos;
    int attempts;

    ParentLink(String nodeId, InetSocketAddress address, boolean seed) {
        this.nodeId = nodeId;
        this.address = address;
        this.seed = seed;
    }

    int inFlight() {
        return outstanding.size() + anyOutstanding;
    }
}
