package io.darner.engine.manifest;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers; every Java runtime ships the algorithm, so its absence is a fatal setup error. */
public final class Sha256 {
    public static final int LENGTH = 32;
    private static final HexFormat HEX = HexFormat.of();

    private Sha256() {}

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }

    public static byte[] of(ByteBuffer data) {
        MessageDigest md = newDigest();
        md.update(data);
        return md.digest();
    }

    public static byte[] of(byte[] data) {
        return newDigest().digest(data);
    }

    public static String hex(byte[] digest) {
        return HEX.formatHex(digest);
    }

    public static byte[] fromHex(String hex) {
        return HEX.parseHex(hex);
    }
}
