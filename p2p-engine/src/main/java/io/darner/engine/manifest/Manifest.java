package io.darner.engine.manifest;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What every node checks received bytes against: size, piece size, SHA-256 of every piece
 * (concatenated, 32 bytes each) and SHA-256 of the whole file (the content id, hex).
 * Encoded as {@code "DRNM" version size pieceSize count hashes contentIdLength contentId}.
 */
public record Manifest(long size, int pieceSize, byte[] pieceHashes, String contentId) {
    public static final int ENCODING_VERSION = 1;
    private static final byte[] MAGIC = "DRNM".getBytes(StandardCharsets.US_ASCII);

    public Manifest {
        if (size < 0) throw new IllegalArgumentException("size must be >= 0");
        if (pieceSize <= 0) throw new IllegalArgumentException("piece size must be > 0");
        if (pieceHashes.length != PieceSizing.pieceCount(size, pieceSize) * Sha256.LENGTH) {
            throw new IllegalArgumentException("manifest has " + pieceHashes.length / Sha256.LENGTH
                    + " piece hashes, the size needs " + PieceSizing.pieceCount(size, pieceSize));
        }
        new ContentDigest(contentId);
    }

    public int pieceCount() {
        return pieceHashes.length / Sha256.LENGTH;
    }

    public int pieceLength(int index) {
        return PieceSizing.pieceLength(size, pieceSize, index);
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(pieceHashes.length + 128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeByte(ENCODING_VERSION);
            out.writeLong(size);
            out.writeInt(pieceSize);
            out.writeInt(pieceCount());
            out.write(pieceHashes);
            out.writeUTF(contentId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException when the bytes are not a manifest this version reads */
    public static Manifest decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(encoded))) {
            byte[] magic = in.readNBytes(4);
            if (!Arrays.equals(magic, MAGIC)) throw new IllegalArgumentException("not a Darner manifest");
            int version = in.readUnsignedByte();
            if (version != ENCODING_VERSION) {
                throw new IllegalArgumentException("manifest encoding version " + version + " is not supported (this build reads " + ENCODING_VERSION + ")");
            }
            long size = in.readLong();
            int pieceSize = in.readInt();
            int count = in.readInt();
            if (count < 0 || count != PieceSizing.pieceCount(size, Math.max(1, pieceSize))) {
                throw new IllegalArgumentException("manifest piece count " + count + " does not match its size");
            }
            byte[] hashes = in.readNBytes(count * Sha256.LENGTH);
            String contentId = in.readUTF();
            return new Manifest(size, pieceSize, hashes, contentId);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated manifest", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest m && m.size == size && m.pieceSize == pieceSize
                && Arrays.equals(m.pieceHashes, pieceHashes) && m.contentId.equals(contentId);
    }

    @Override
    public int hashCode() {
        return contentId.hashCode();
    }
}
