package io.darner.agent.cli;

import io.darner.engine.manifest.ContentDigest;
import io.darner.engine.source.Source;
import io.darner.engine.source.SourceException;
import io.darner.engine.source.Sources;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A one-off fetch straight from the source, for {@code darner get} when no agent runs. The bytes
 * go to a hidden temporary file beside the target while their SHA-256 is computed; only a
 * complete, verified, fsynced file is renamed onto the target (atomically), so the target is
 * either untouched or right. A dropped connection resumes where it broke, a few times.
 */
final class DirectFetch {
    private static final int MAX_RESUMES = 3;
    private static final int BUFFER_BYTES = 64 * 1024;

    /** What arrived: the target, its SHA-256 (hex) and size. */
    record Done(Path target, String sha256, long size) {}

    /** Progress callback: bytes so far and the total (-1 when the source does not say). */
    interface Listener {
        void progress(long bytes, long size);
    }

    private final Source source;
    private final Path target;
    private final ContentDigest expected;
    private final Listener listener;
    private final MessageDigest sha = sha256();
    private long size = -1;
    private long written;

    DirectFetch(String url, Path target, ContentDigest expected, Listener listener) {
        this.source = Sources.of(url);
        this.target = target.toAbsolutePath().normalize();
        this.expected = expected;
        this.listener = listener;
    }

    Done run() throws GetFailure {
        if (Files.isDirectory(target)) throw new GetFailure(ExitCodes.LOCAL_IO, "cannot write " + target + ": it is a directory");
        Path temp = target.resolveSibling("." + target.getFileName() + ".darner-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ".part");
        boolean committed = false;
        try (FileChannel out = openTemp(temp)) {
            copy(out);
            String hex = HexFormat.of().formatHex(sha.digest());
            if (expected != null && !expected.hex().equals(hex)) {
                throw new GetFailure(ExitCodes.INTEGRITY, "content digest mismatch: expected " + expected + ", source has sha256:" + hex);
            }
            commit(out, temp);
            committed = true;
            return new Done(target, hex, written);
        } catch (IOException e) { // from closing the temporary file
            throw localFailure("cannot write " + temp, e);
        } finally {
            if (!committed) deleteQuietly(temp);
        }
    }

    private FileChannel openTemp(Path temp) throws GetFailure {
        try {
            return FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw localFailure("cannot write " + target, e);
        }
    }

    private void copy(FileChannel out) throws GetFailure {
        byte[] buffer = new byte[BUFFER_BYTES];
        int resumes = 0;
        while (true) {
            try (Source.Opened opened = open()) {
                InputStream in = opened.body();
                int n;
                while ((n = read(in, buffer)) > 0) {
                    write(out, buffer, n);
                    listener.progress(written, size);
                }
                return;
            } catch (SourceReadFailed e) {
                if (++resumes > MAX_RESUMES) {
                    throw new GetFailure(ExitCodes.SOURCE, "reading " + source.uri() + " failed at byte " + written
                            + " after " + MAX_RESUMES + " resumes: " + e.getCause(), e.getCause());
                }
            }
        }
    }

    private Source.Opened open() throws GetFailure {
        try {
            Source.Opened opened = source.open(written);
            if (size >= 0 && opened.totalSize() != size) {
                opened.close();
                throw new GetFailure(ExitCodes.SOURCE, "source " + source.uri() + " changed size from " + size + " to " + opened.totalSize() + " bytes");
            }
            size = opened.totalSize();
            return opened;
        } catch (SourceException e) {
            throw new GetFailure(ExitCodes.SOURCE, e.getMessage(), e);
        }
    }

    private static int read(InputStream in, byte[] buffer) throws SourceReadFailed {
        try {
            return in.read(buffer);
        } catch (IOException e) {
            throw new SourceReadFailed(e);
        }
    }

    private void write(FileChannel out, byte[] buffer, int n) throws GetFailure {
        try {
            ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
            while (b.hasRemaining()) out.write(b);
        } catch (IOException e) {
            throw localFailure("cannot write " + target, e);
        }
        sha.update(buffer, 0, n);
        written += n;
    }

    private void commit(FileChannel out, Path temp) throws GetFailure {
        try {
            out.force(true);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw localFailure("cannot write " + target, e);
        }
        try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            dir.force(true); // makes the rename itself durable
        } catch (IOException ignored) {
            // some file systems cannot sync a directory; the file's own bytes are synced
        }
    }

    private static GetFailure localFailure(String what, IOException e) {
        String why = e instanceof NoSuchFileException ? "directory " + parentOf(e) + " does not exist"
                : e instanceof AccessDeniedException ? "permission denied"
                : String.valueOf(e.getMessage() != null ? e.getMessage() : e);
        return new GetFailure(ExitCodes.LOCAL_IO, what + ": " + why, e);
    }

    private static String parentOf(IOException e) {
        String file = ((NoSuchFileException) e).getFile();
        Path parent = file == null ? null : Path.of(file).getParent();
        return parent == null ? String.valueOf(file) : parent.toString();
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // a leftover hidden .part file is harmless, and the failure being reported matters more
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** A read from the source failed mid-stream (as opposed to a write to the disk). */
    private static final class SourceReadFailed extends Exception {
        SourceReadFailed(IOException cause) {
            super(cause);
        }
    }
}
