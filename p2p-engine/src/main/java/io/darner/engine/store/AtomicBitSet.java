package io.darner.engine.store;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLongArray;

/** A fixed-size bit set that several threads may read while one writes. */
public final class AtomicBitSet {
    private final int size;
    private final AtomicLongArray words;

    public AtomicBitSet(int size) {
        this.size = size;
        this.words = new AtomicLongArray((size + 63) >>> 6);
    }

    public int size() {
        return size;
    }

    public boolean get(int i) {
        return i >= 0 && i < size && (words.get(i >>> 6) & (1L << i)) != 0;
    }

    /** @return true when the bit was clear before */
    public boolean set(int i) {
        long mask = 1L << i;
        long prev = words.getAndAccumulate(i >>> 6, mask, (a, b) -> a | b);
        return (prev & mask) == 0;
    }

    public void clear(int i) {
        words.getAndAccumulate(i >>> 6, ~(1L << i), (a, b) -> a & b);
    }

    public int cardinality() {
        int n = 0;
        for (int w = 0; w < words.length(); w++) n += Long.bitCount(words.get(w));
        return n;
    }

    public BitSet snapshot() {
        long[] copy = new long[words.length()];
        for (int w = 0; w < copy.length; w++) copy[w] = words.get(w);
        return BitSet.valueOf(copy);
    }

    /** Bit i = piece i, most significant bit first in each byte (the wire's Bitfield order). */
    public byte[] toWireBytes() {
        byte[] out = new byte[(size + 7) >>> 3];
        for (int i = 0; i < size; i++) {
            if (get(i)) out[i >>> 3] |= (byte) (0x80 >>> (i & 7));
        }
        return out;
    }

    public static BitSet fromWireBytes(byte[] bits, int size) {
        BitSet set = new BitSet(size);
        for (int i = 0; i < size; i++) {
            if ((bits[i >>> 3] & (0x80 >>> (i & 7))) != 0) set.set(i);
        }
        return set;
    }
}
