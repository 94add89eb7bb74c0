package io.darner.engine.store;

import io.darner.engine.manifest.Manifest;
import io.darner.engine.manifest.PieceSizing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A node's pieces on disk. Content in progress lives under {@code partial/<taskId>/}; once every
 * piece is verified and the content id is known it moves to {@code content/<contentId>/}
 * (content-addressed), where any later task for the same bytes finds it.
 */
public final class PieceStore {
    private static final String META = "meta";
    /** Size and modification time of a complete content's data file when it was completed. */
    private static final String SEALED = "sealed";
    private static final String PARTIAL = "partial";
    private static final String CONTENT = "content";
    private final Path root;
    private final Path partialDir;
    private final Path contentDir;
    private final Clock clock;
    /** Entry name → pins held on it; guarded by this. */
    private final Map<String, Integer> pins = new HashMap<>();
    /** Entry name → contents open on it; guarded by this. */
    private final Map<String, Set<StoredContent>> open = new HashMap<>();
    private final List<Consumer<StoredContent>> evictListeners = new CopyOnWriteArrayList<>();

    /**
     * A cache entry: a whole content ({@code content/ID}) or a partial download
     * ({@code partial/TASK}), its bytes on disk and when it was last used.
     */
    public record Entry(String name, long bytes, Instant lastUsed) {}

    /** Keeps an entry from the garbage collector until closed; closing counts as a use of it. */
    public interface Pin extends AutoCloseable {
        @Override
        void close();
    }

    private PieceStore(Path root, Clock clock) {
        this.root = root;
        this.partialDir = root.resolve(PARTIAL);
        this.contentDir = root.resolve(CONTENT);
        this.clock = clock;
    }

    public static PieceStore open(Path root) throws IOException {
        return open(root, Clock.systemUTC());
    }

    /** @param clock what "last used" and TTLs are measured with */
    public static PieceStore open(Path root, Clock clock) throws IOException {
        PieceStore store = new PieceStore(root.toAbsolutePath().normalize(), clock);
        Files.createDirectories(store.partialDir);
        Files.createDirectories(store.contentDir);
        return store;
    }

    Clock clock() {
        return clock;
    }

    public static String partialEntry(String taskId) {
        return PARTIAL + "/" + taskId;
    }

    public static String contentEntry(String contentId) {
        return CONTENT + "/" + contentId;
    }

    /** Pins an entry (it may not exist yet): the garbage collector leaves it alone until the pin is closed. */
    public Pin pin(String entry) {
        synchronized (this) {
            pins.merge(entry, 1, Integer::sum);
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (!released.compareAndSet(false, true)) return;
            synchronized (this) {
                pins.computeIfPresent(entry, (k, n) -> n == 1 ? null : n - 1);
            }
            touch(entry);
        };
    }

    /** Records a use of an entry now. */
    public void touch(String entry) {
        try {
            Files.setLastModifiedTime(root.resolve(entry), FileTime.from(clock.instant()));
        } catch (IOException ignored) {
            // the entry is gone (or was never written): nothing to record
        }
    }

    /** Called with each open content the garbage collector drops, before it is closed and deleted. */
    public void onEvict(Consumer<StoredContent> listener) {
        evictListeners.add(listener);
    }

    private String entryName(Path dir) {
        return root.relativize(dir).toString().replace('\\', '/');
    }

    private synchronized StoredContent track(StoredContent c) {
        c.ownedBy(this);
        open.computeIfAbsent(entryName(c.dir()), k -> new HashSet<>()).add(c);
        return c;
    }

    synchronized void untrack(StoredContent c) {
        Set<StoredContent> set = open.get(entryName(c.dir()));
        if (set != null && set.remove(c) && set.isEmpty()) open.remove(entryName(c.dir()));
    }

    /** Every entry on disk, with its size and last use (the later of its recorded use and its last piece served). */
    public List<Entry> entries() throws IOException {
        List<Entry> out = new ArrayList<>();
        for (Path base : List.of(contentDir, partialDir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(base)) {
                for (Path dir : ds) {
                    if (!Files.isDirectory(dir)) continue;
                    long bytes = 0;
                    try (Stream<Path> files = Files.list(dir)) {
                        for (Path f : (Iterable<Path>) files::iterator) {
                            if (Files.isRegularFile(f) && !sharedWithTarget(f)) bytes += Files.size(f);
                        }
                    }
                    long used = Files.getLastModifiedTime(dir).toMillis();
                    synchronized (this) {
                        for (StoredContent c : open.getOrDefault(entryName(dir), Set.of())) used = Math.max(used, c.lastServedMillis());
                    }
                    out.add(new Entry(entryName(dir), bytes, Instant.ofEpochMilli(used)));
                }
            }
        }
        return out;
    }

    /** A data file a target links to: dropping the entry would free none of its bytes. */
    private static boolean sharedWithTarget(Path file) {
        try {
            return ((Number) Files.getAttribute(file, "unix:nlink")).intValue() > 1;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Pinned, or served to a peer within {@link CachePolicy#SERVING_GRACE} of {@code now}. */
    public synchronized boolean inUse(String entry, Instant now) {
        if (pins.containsKey(entry)) return true;
        long graceStart = now.toEpochMilli() - CachePolicy.SERVING_GRACE.toMillis();
        for (StoredContent c : open.getOrDefault(entry, Set.of())) {
            if (c.lastServedMillis() > graceStart) return true;
        }
        return false;
    }

    /**
     * Drops an entry unless it is in use: its open contents are handed to the eviction listeners
     * and closed, then its directory is deleted (under the store's lock, so a pin taken now
     * either keeps the entry or finds it gone).
     *
     * @return whether the entry was dropped
     */
    synchronized boolean evict(String entry, Instant now) throws IOException {
        if (inUse(entry, now)) return false;
        Set<StoredContent> contents = open.remove(entry);
        if (contents != null) {
            for (StoredContent c : contents) {
                for (Consumer<StoredContent> l : evictListeners) l.accept(c);
                c.close();
            }
        }
        deleteTree(root.resolve(entry));
        return true;
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
        return track(new StoredContent(dir, size, pieceSize, data, map, claimed, null));
    }

    /** The content with this id, when the store holds all of it, its data file unchanged since it was completed (a target linked to it may have been edited in place). */
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
        if (!unchangedSinceSealed(dir)) {
            // written through a target that links to it: the bytes can no longer be trusted
            deleteTree(dir);
            return Optional.empty();
        }
        FileChannel data = FileChannel.open(dir.resolve(StoredContent.DATA), StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel map = FileChannel.open(dir.resolve(StoredContent.PIECES), StandardOpenOption.READ, StandardOpenOption.WRITE);
        touch(contentEntry(contentId));
        return Optional.of(track(new StoredContent(dir, manifest.size(), manifest.pieceSize(), data, map, new BitSet(), manifest)));
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
        Files.write(from.resolve(SEALED), seal(from.resolve(StoredContent.DATA)).getBytes(StandardCharsets.US_ASCII));
        if (Files.exists(to)) {
            Optional<StoredContent> existing = findComplete(manifest.contentId());
            if (existing.isPresent()) {
                partial.close();
                deleteTree(from);
                return existing.get();
            }
            deleteTree(to);
        }
        untrack(partial);
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        partial.movedTo(to);
        partial.setManifest(manifest);
        track(partial);
        touch(contentEntry(manifest.contentId()));
        return partial;
    }

    private static String seal(Path data) throws IOException {
        return Files.size(data) + " " + Files.getLastModifiedTime(data).to(TimeUnit.NANOSECONDS);
    }

    /** Whether a complete content's data file is as it was completed (contents from before seals count as unchanged). */
    private static boolean unchangedSinceSealed(Path dir) throws IOException {
        Path sealed = dir.resolve(SEALED);
        if (!Files.exists(sealed)) return true;
        Path data = dir.resolve(StoredContent.DATA);
        return Files.exists(data) && Files.readString(sealed, StandardCharsets.US_ASCII).trim().equals(seal(data));
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
