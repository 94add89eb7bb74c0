package io.darner.engine.peer;

import java.util.BitSet;

/**
 * Which piece a seed sends for a {@code RequestAny}: a piece no node has received yet while
 * there is one (so the origin's upload is never spent twice on the same piece), then the piece
 * handed out least often that the requester lacks. Thread-safe: requests arrive on many loops.
 */
public final class SeedPolicy {
    private final int[] handedOut;
    private int nextFresh;
    private volatile int published;

    public SeedPolicy(int pieceCount) {
        this.handedOut = new int[pieceCount];
    }

    public int pieceCount() {
        return handedOut.length;
    }

    /** Pieces {@code 0 .. count-1} are in the seed's store and may be handed out. */
    public void published(int count) {
        this.published = count;
    }

    /**
     * @param requesterHas pieces the requester holds or was already sent on this connection
     * @param known        the requester can verify pieces below this index
     * @return the piece to send, or -1 when there is nothing useful to send now
     */
    public synchronized int choose(BitSet requesterHas, int known) {
        int limit = Math.min(known, published);
        while (nextFresh < limit && requesterHas.get(nextFresh)) {
            nextFresh++; // a resumed node already holds it: count it as handed out
        }
        if (nextFresh < limit) {
            handedOut[nextFresh]++;
            return nextFresh++;
        }
        if (nextFresh < handedOut.length) {
            // fresh pieces remain that the requester cannot verify yet: a second copy of an old
            // piece now would spend the origin's upload twice; it asks again once it knows more
            return -1;
        }
        int best = -1;
        for (int i = requesterHas.nextClearBit(0); i < limit; i = requesterHas.nextClearBit(i + 1)) {
            if (best < 0 || handedOut[i] < handedOut[best]) best = i;
        }
        if (best >= 0) handedOut[best]++;
        return best;
    }
}
