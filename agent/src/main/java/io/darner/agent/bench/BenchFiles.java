package io.darner.agent.bench;

import io.darner.engine.manifest.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.SplittableRandom;

/** The files benchmarks and the fault suite move: pseudo-random content, and the digest every copy is checked against. */
public final class BenchFiles {
    private BenchFiles() {}

    /** Writes {@code size} pseudo-random bytes (the same for the same {@code seed}) to {@code path}, making its folder. */
    public static Path random(Path path, long size, long seed) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        SplittableRandom rnd = new SplittableRandom(seed);
        ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream out = Files.newOutputStream(path)) {
            for (long left = size; left > 0; ) {
                buf.clear();
                while (buf.remaining() >= 8) buf.putLong(rnd.nextLong());
                int n = (int) Math.min(left, buf.capacity());
                out.write(buf.array(), 0, n);
                left -= n;
            }
        }
        return path;
    }

    /** {@code sha256:HEX} of the file. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = Sha256.newDigest();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return "sha256:" + Sha256.hex(md.digest());
    }
}
