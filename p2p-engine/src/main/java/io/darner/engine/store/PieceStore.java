package io.darner.engine.store;

import io.darner.engine.manifest.Manifest;
import io.darner.engine.manifest.PieceSizing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A node's pieces on disk. Content in progress lives under {@code partial/<taskId>/}; once every
 * piece is verified and the content id is known it moves to {@code content/<contentId>/}
 * (content-addressed), where any later task for the same bytes finds it.
 */
public final class PieceStore {
    private static final String META = "meta";
    private final Path root;
    private final Path partialDir;
    private final Path contentDir;

    private PieceStore(Path root) {
        this.root = root;
        this.partialDir = root.resolve("partial");
        this.contentDir = root.resolve("content");
    }

    public static PieceStore open(Path root) throws IOException {
        PieceStore store = new PieceStore(root.toAbsolutePath().normalize());
        Files.createDirectories(store.partialDir);
        Files.createDirectories(store.contentDir);
        return store;
    }

    public Path root() {
        return root;
    }

    /**
     * Opens the in-progress content of a task, resuming the pieces an earlier run stored
     * (as claimed pieces to re-check), or creates it.
     *
     * @throws InsufficientSpaceException when the disk cannot hold the content; nothing is written
     */
    public StoredContent openPartial(String taskId, long size, int pieceSize) throws IOException {
        Path dir = partialDir.resolve(taskId);
        int count = PieceSizing.pieceCount(size, pieceSize);
        BitSet claimed = new BitSet(count);
        long held = 0;
        if (Files.isDirectory(dir)) {
            if (matchesMeta(dir, size, pieceSize)) {
                byte[] map = Files.exists(dir.resolve(StoredContent.PIECES)) ? Files.readAllBytes(dir.resolve(StoredContent.PIECES)) : new byte[0];
                for (int i = 0; i < Math.min(map.length, count); i++) {
                    if (map[i] == 1) claimed.set(i);
                }
                held = Files.size(dir.resolve(StoredContent.DATA));
            } else {
                deleteTree(dir);
            }
        }
        long free = Files.getFileStore(root).getUsableSpace();
        if (free < size - held) {
            throw new InsufficientSpaceException("not enough disk space in " + root + ": " + (size - held)
                    + " bytes needed, " + free + " free");
        }
        Files.createDirectories(dir);
        writeMeta(dir, size, pieceSize);
        FileChannel data = FileChannel.open(dir.resolve(StoredContent.DATA), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel map = FileChannel.open(dir.resolve(StoredContent.PIECES), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (map.size() < count) map.write(ByteBuffer.allocate((int) (count - map.size())), map.size());
        return new StoredContent(dir, size, pieceSize, data, map, claimed, null);
    }

    /** The content with this id, when the store holds all of it. */
    public Optional<StoredContent> findComplete(String contentId) throws IOException {
        Path dir = contentDir.resolve(contentId);
        Path manifestFile = dir.resolve(StoredContent.MANIFEST);
        if (!Files.isRegularFile(manifestFile)) return Optional.empty();
        Manifest manifest;
        try {
            manifest = Manifest.decode(Files.readAllBytes(manifestFile));
        } catch (IllegalArgumentException e) {
            deleteTree(dir);
            return Optional.empty();
        }
        FileChannel data = FileChannel.open(dir.resolve(StoredContent.DATA), StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel map = FileChannel.open(dir.resolve(StoredContent.PIECES), StandardOpenOption.READ, StandardOpenOption.WRITE);
        return Optional.of(new StoredContent(dir, manifest.size(), manifest.pieceSize(), data, map, new BitSet(), manifest));
    }

    /**
     * Marks a partial content complete under its content id. When the store already holds that
     * content the partial copy is dropped; the returned content is the one to use from now on.
     */
    public StoredContent complete(StoredContent partial, Manifest manifest) throws IOException {
        if (partial.verifiedCount() != partial.pieceCount()) {
            throw new IllegalStateException(partial.verifiedCount() + " of " + partial.pieceCount() + " pieces verified");
        }
        Path from = partial.dir();
        Path to = contentDir.resolve(manifest.contentId());
        Files.write(from.resolve(StoredContent.MANIFEST), manifest.encode());
        partial.dataChannel().force(false);
        if (Files.exists(to)) {
            Optional<StoredContent> existing = findComplete(manifest.contentId());
            if (existing.isPresent()) {
                partial.close();
                deleteTree(from);
                return existing.get();
            }
            deleteTree(to);
        }
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        partial.movedTo(to);
        partial.setManifest(manifest);
        return partial;
    }

    /** Drops a task's partial content (e.g. after its source failed its expected digest). */
    public void discardPartial(String taskId) throws IOException {
        deleteTree(partialDir.resolve(taskId));
    }

    private static boolean matchesMeta(Path dir, long size, int pieceSize) {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(dir.resolve(META)))) {
            return in.readLong() == size && in.readInt() == pieceSize && Files.exists(dir.resolve(StoredContent.DATA));
        } catch (IOException e) {
            return false;
        }
    }

    private static void writeMeta(Path dir, long size, int pieceSize) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve(META)))) {
            out.writeLong(size);
            out.writeInt(pieceSize);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Content ids the store holds completely. */
    public java.util.List<String> contentIds() throws IOException {
        java.util.List<String> ids = new java.util.ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(contentDir)) {
            for (Path p : ds) ids.add(p.getFileName().toString());
        }
        return ids;
    }
}
