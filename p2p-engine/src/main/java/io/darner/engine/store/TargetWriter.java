package io.darner.engine.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a task's target while its pieces arrive: every verified piece goes to a hidden
 * temporary file beside the target ({@code .NAME.darner-TASK.part}); once the whole content
 * is verified the file is fsynced and renamed over the target in one atomic step. So the target
 * path is either untouched or holds the complete, verified file, and the final export costs an
 * fsync instead of a copy of the whole file. {@link #abort} removes the temporary file.
 *
 * <p>When the target's directory is on the piece store's file system, the temporary file is a
 * hard link to the store's data file ({@link #open(Path, String, long, Path)}): every piece is
 * then written once, the target and the store's copy share their blocks on disk, and
 * {@link #write}/{@link #copyFrom} have nothing left to do. Elsewhere, and when another target
 * already links to that data file, it is a file of its own. A target edited in place changes the
 * store's copy with it; the store notices (see {@link PieceStore#findComplete}) and stops using it.
 */
public final class TargetWriter implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final FileChannel out;
    private final long size;
    private final boolean linked;

    private TargetWriter(Path target, Path temp, FileChannel out, long size, boolean linked) {
        this.target = target;
        this.temp = temp;
        this.out = out;
        this.size = size;
        this.linked = linked;
    }

    /**
     * Checks the target's directory (exists, writable, room for {@code size} bytes) and opens the
     * temporary file.
     */
    public static TargetWriter open(Path target, String taskId, long size) throws IOException {
        return open(target, taskId, size, null);
    }

    /**
     * As {@link #open(Path, String, long)}, but the temporary file is a hard link to
     * {@code shareWith} (the piece store's data file of this content) when the file system allows
     * one; then the pieces written to the store are the target's, and no room beyond the store's is
     * needed. A temporary file left by an earlier run is replaced, never written through.
     */
    public static TargetWriter open(Path target, String taskId, long size, Path shareWith) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        if (dir == null || abs.getFileName() == null) throw new NoSuchFileException(String.valueOf(target), null, "target is not a file path");
        if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString(), null, "target directory does not exist");
        if (!Files.isWritable(dir)) throw new AccessDeniedException(dir.toString(), null, "target directory is not writable");
        if (Files.isDirectory(abs)) throw new IOException("target " + abs + " is a directory");
        Path temp = dir.resolve("." + abs.getFileName() + ".darner-" + taskId + ".part");
        // an earlier run's temporary file may be a link to the store's data: unlink it, never truncate it
        Files.deleteIfExists(temp);
        if (shareWith != null && link(temp, shareWith)) {
            return new TargetWriter(abs, temp, FileChannel.open(temp, StandardOpenOption.WRITE), size, true);
        }
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < size) {
            throw new InsufficientSpaceException("not enough disk space for " + abs + ": " + size + " bytes needed, " + free + " free");
        }
        FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new TargetWriter(abs, temp, out, size, false);
    }

    private static boolean link(Path temp, Path existing) {
        try {
            // one target per stored file: editing a target in place must never change another target
            if (((Number) Files.getAttribute(existing, "unix:nlink")).intValue() != 1) return false;
            Files.createLink(temp, existing);
            return true;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // another file system (EXDEV), or one without hard links: the target gets its own copy
            return false;
        }
    }

    public Path target() {
        return target;
    }

    /** Whether the target shares the piece store's data file (so writes to the store are writes to it). */
    public boolean linked() {
        return linked;
    }

    /** Writes verified bytes at {@code position} (nothing to do when {@link #linked()}). */
    public void write(long position, ByteBuffer... parts) throws IOException {
        if (linked) return;
        long pos = position;
        for (ByteBuffer b : parts) {
            ByteBuffer d = b.duplicate();
            while (d.hasRemaining()) pos += out.write(d, pos);
        }
    }

    /** Copies a range already in the piece store (pieces kept from an earlier run). */
    public void copyFrom(FileChannel source, long position, long length) throws IOException {
        if (linked) return;
        long done = 0;
        while (done < length) {
            long n = source.transferTo(position + done, length - done, out.position(position + done));
            if (n <= 0) throw new IOException("piece store ended at " + (position + done));
            done += n;
        }
    }

    /** Makes the verified file the target: fsync, atomic rename, fsync of the directory. */
    public void commit() throws IOException {
        try {
            if (out.size() != size) throw new IOException("target file holds " + out.size() + " of " + size + " bytes");
            out.force(true);
            out.close();
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        }
        try (FileChannel d = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // some file systems cannot fsync a directory; the rename itself is atomic
        }
    }

    /** Drops the temporary file; the target is left as it was. */
    public void abort() {
        try {
            out.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // a leftover .part file is overwritten by the next attempt
        }
    }

    @Override
    public void close() {
        abort();
    }
}
