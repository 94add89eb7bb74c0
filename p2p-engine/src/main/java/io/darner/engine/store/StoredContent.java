package io.darner.engine.store;

import io.darner.engine.manifest.Manifest;
import io.darner.engine.manifest.PieceSizing;
import io.darner.engine.manifest.Sha256;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.BitSet;

/**
 * One content in a node's piece store: a data file of the content's size, and a piece map
 * with one byte per piece (1 = the piece was written after its SHA-256 matched). Pieces
 * marked in a map left by an earlier run are "claimed" until re-checked against the
 * current manifest's hash, so neither a changed source nor a crash can make a wrong piece count.
 *
 * <p>Writes come from one thread (the task's); reads (serving peers) from any thread.
 */
public final class StoredContent implements AutoCloseable {
    static final String DATA = "data";
    static final String PIECES = "pieces";
    static final String MANIFEST = "manifest";

    private volatile Path dir;
    private final long size;
    private final int pieceSize;
    private final int pieceCount;
    private final FileChannel data;
    private final FileChannel pieceMap;
    private final AtomicBitSet verified;
    private final BitSet claimed;
    private volatile Manifest manifest;
    /** The store that opened this content (it tracks open contents for its garbage collector). */
    private volatile PieceStore owner;
    /** When (the store clock's millis) a piece of this content was last handed out to a peer; 0: never. */
    private volatile long lastServedMillis;

    StoredContent(Path dir, long size, int pieceSize, FileChannel data, FileChannel pieceMap, BitSet claimed, Manifest manifest) {
        this.dir = dir;
        this.size = size;
        this.pieceSize = pieceSize;
        this.pieceCount = PieceSizing.pieceCount(size, pieceSize);
        this.data = data;
        this.pieceMap = pieceMap;
        this.verified = new AtomicBitSet(pieceCount);
        this.claimed = claimed;
        this.manifest = manifest;
        if (manifest != null) {
            for (int i = 0; i < pieceCount; i++) verified.set(i);
        }
    }

    public long size() { return size; }
    public int pieceSize() { return pieceSize; }
    public int pieceCount() { return pieceCount; }
    public int pieceLength(int index) { return PieceSizing.pieceLength(size, pieceSize, index); }
    public boolean has(int index) { return verified.get(index); }
    public AtomicBitSet verified() { return verified; }
    public int verifiedCount() { return verified.cardinality(); }
    public boolean isComplete() { return manifest != null; }
    public Manifest manifest() { return manifest; }
    Path dir() { return dir; }
    /** The data file (a target on the same file system is a hard link to it, see {@link TargetWriter}). */
    public Path dataFile() { return dir.resolve(DATA); }
    void ownedBy(PieceStore store) { this.owner = store; }
    long lastServedMillis() { return lastServedMillis; }
    void movedTo(Path newDir) { this.dir = newDir; }

    /** @return whether an earlier run left this piece on disk (not yet re-checked) */
    public boolean isClaimed(int index) {
        synchronized (claimed) {
            return claimed.get(index);
        }
    }

    public int claimedCount() {
        synchronized (claimed) {
            return claimed.cardinality();
        }
    }

    /**
     * Re-checks a piece an earlier run left on disk against its hash from the current manifest.
     * @return true when the piece is now verified (no network fetch needed)
     */
    public boolean verifyClaimed(int index, byte[] expectedHash) throws IOException {
        synchronized (claimed) {
            if (!claimed.get(index)) return false;
            claimed.clear(index);
        }
        ByteBuffer piece = readPiece(index);
        if (Arrays.equals(Sha256.of(piece), expectedHash)) {
            verified.set(index);
            return true;
        }
        pieceMap.write(ByteBuffer.wrap(new byte[] {0}), index);
        return false;
    }

    /** Stores a piece whose SHA-256 the caller has already checked. */
    public void writePiece(int index, ByteBuffer... parts) throws IOException {
        long total = 0;
        for (ByteBuffer b : parts) total += b.remaining();
        if (total != pieceLength(index)) {
            throw new IllegalArgumentException("piece " + index + " has " + total + " bytes, expected " + pieceLength(index));
        }
        long pos = (long) index * pieceSize;
        for (ByteBuffer bytes : parts) {
            while (bytes.hasRemaining()) {
                pos += data.write(bytes, pos);
            }
        }
        pieceMap.write(ByteBuffer.wrap(new byte[] {1}), index);
        verified.set(index);
    }

    public ByteBuffer readPiece(int index) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(pieceLength(index));
        long pos = (long) index * pieceSize;
        while (buf.hasRemaining()) {
            int n = data.read(buf, pos);
            if (n < 0) throw new IOException("piece " + index + " is missing from " + dir);
            pos += n;
        }
        return buf.flip();
    }

    /** A zero-copy region of piece {@code index}, {@code offset} bytes in, {@code length} long. */
    public SharedFileRegion region(int index, int offset, int length) {
        PieceStore o = owner;
        if (o != null) lastServedMillis = o.clock().millis();
        return new SharedFileRegion(data, (long) index * pieceSize + offset, length);
    }

    void setManifest(Manifest manifest) {
        this.manifest = manifest;
    }

    /** Copies a stored piece into a target being written (pieces kept from an earlier run). */
    public void copyPieceTo(int index, TargetWriter writer) throws IOException {
        writer.copyFrom(data, (long) index * pieceSize, pieceLength(index));
    }

    FileChannel dataChannel() {
        return data;
    }

    /**
     * Writes the whole content to {@code target} through a {@link TargetWriter}: the target is
     * absent (or its earlier file) or complete, never partial. On the store's file system the
     * target becomes a hard link to the data file, without a copy.
     */
    public void exportTo(Path target) throws IOException {
        if (!isComplete()) throw new IllegalStateException("content is not complete yet");
        TargetWriter writer = TargetWriter.open(target, manifest.contentId().substring(0, 16), size, dataFile());
        try {
            writer.copyFrom(data, 0, size);
        } catch (IOException | RuntimeException e) {
            writer.abort();
            throw e;
        }
        writer.commit();
    }

    /** Digest of the stored bytes (used by the seed and by tests, never on the download path). */
    public byte[] digestAll() throws IOException {
        MessageDigest md = Sha256.newDigest();
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        long pos = 0;
        while (pos < size) {
            buf.clear();
            int n = data.read(buf, pos);
            if (n < 0) break;
            buf.flip();
            md.update(buf);
            pos += n;
        }
        return md.digest();
    }

    @Override
    public void close() throws IOException {
        try {
            data.close();
        } finally {
            pieceMap.close();
            PieceStore o = owner;
            if (o != null) o.untrack(this);
        }
    }
}
