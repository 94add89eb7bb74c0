package io.darner.engine.manifest;

/**
 * Chooses the piece size from the file size: a power of two giving about
 * {@link #TARGET_PIECES} pieces, between {@link #MIN_PIECE} and {@link #MAX_PIECE} bytes.
 * Small pieces let a small file pipeline through log2(N) generations of peers quickly;
 * the upper bound keeps a piece in memory cheap.
 */
public final class PieceSizing {
    public static final int TARGET_PIECES = 512;
    public static final int MIN_PIECE = 16 * 1024;
    public static final int MAX_PIECE = 16 * 1024 * 1024;

    private PieceSizing() {}

    public static int pieceSize(long fileSize) {
        if (fileSize < 0) throw new IllegalArgumentException("file size must be >= 0, got " + fileSize);
        long wanted = Math.max(1, fileSize / TARGET_PIECES);
        long p = Long.highestOneBit(wanted);
        if (p < wanted) p <<= 1;
        return (int) Math.max(MIN_PIECE, Math.min(MAX_PIECE, p));
    }

    /** 256 TiB in 16 MiB pieces: beyond this a manifest would not fit in one frame. */
    public static final int MAX_PIECES = 1 << 24;

    public static int pieceCount(long fileSize, int pieceSize) {
        long count = (fileSize + pieceSize - 1) / pieceSize;
        if (fileSize < 0 || count > MAX_PIECES) {
            throw new IllegalArgumentException("a file of " + fileSize + " bytes in pieces of " + pieceSize
                    + " bytes needs " + count + " pieces; Darner handles at most " + MAX_PIECES);
        }
        return (int) count;
    }

    public static int pieceLength(long fileSize, int pieceSize, int index) {
        long start = (long) index * pieceSize;
        return (int) Math.min(pieceSize, fileSize - start);
    }
}
