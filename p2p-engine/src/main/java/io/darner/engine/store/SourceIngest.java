package io.darner.engine.store;

import io.darner.engine.manifest.Manifest;
import io.darner.engine.manifest.PieceSizing;
import io.darner.engine.manifest.Sha256;
import io.darner.engine.source.Source;
import io.darner.engine.source.SourceException;
import io.darner.engine.source.Sources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * Reads a source once, sequentially, into a piece store: every piece is hashed and stored as it
 * arrives, the whole file is hashed on the way, and a dropped connection is resumed at the next
 * byte (HTTP Range). Used by the seed, and by a node that cannot reach any supernode.
 */
public final class SourceIngest {
    private static final Logger log = LoggerFactory.getLogger(SourceIngest.class);
    private static final int RESUME_ATTEMPTS = 3;

    /** Called on the reading thread as the content takes shape. */
    public interface Observer {
        /** The size is known and the partial content is open (nothing stored yet). */
        default void opened(StoredContent content) {}

        /** Pieces {@code 0 .. upTo-1} are stored; their hashes are the first {@code upTo} entries of {@code hashes}. */
        default void stored(int upTo, byte[] hashes) {}
    }

    private SourceIngest() {}

    /**
     * @return the complete manifest; the content is left partial (all pieces stored) so the
     *         caller can check an expected digest before completing it in the store
     */
    public static Result ingest(PieceStore store, String taskId, String source, Observer observer)
            throws SourceException, IOException {
        Source src = Sources.of(source);
        URI uri = src.uri();
        Source.Opened opened = src.open(0);
        long size = opened.totalSize();
        if (size < 0) {
            opened.close();
            throw new SourceException(uri, "the source does not announce its size (no Content-Length); Darner needs it to plan pieces");
        }
        int pieceSize = PieceSizing.pieceSize(size);
        int count = PieceSizing.pieceCount(size, pieceSize);
        StoredContent content = store.openPartial(taskId, size, pieceSize);
        observer.opened(content);

        MessageDigest whole = Sha256.newDigest();
        byte[] hashes = new byte[count * Sha256.LENGTH];
        byte[] buf = new byte[pieceSize];
        int attempts = 0;
        InputStream in = opened.body();
        try {
            for (int i = 0; i < count; i++) {
                int len = PieceSizing.pieceLength(size, pieceSize, i);
                int got = 0;
                while (got < len) {
                    int n;
                    try {
                        n = in.read(buf, got, len - got);
                    } catch (IOException e) {
                        if (++attempts > RESUME_ATTEMPTS) throw new SourceException(uri, describe(uri, e), e);
                        n = 0;
                        opened.close();
                        long offset = (long) i * pieceSize + got;
                        log.info("task {}: resuming {} at byte {} after: {}", taskId, uri, offset, e.toString());
                        try {
                            opened = src.open(offset);
                        } catch (SourceException again) {
                            throw new SourceException(uri, describe(uri, e) + "; resuming at byte " + offset + " failed: " + describe(uri, again), again);
                        }
                        in = opened.body();
                    }
                    if (n < 0) {
                        throw new SourceException(uri, "ended after " + ((long) i * pieceSize + got) + " of " + size + " bytes");
                    }
                    got += n;
                }
                ByteBuffer piece = ByteBuffer.wrap(buf, 0, len);
                System.arraycopy(Sha256.of(piece.duplicate()), 0, hashes, i * Sha256.LENGTH, Sha256.LENGTH);
                content.writePiece(i, piece);
                observer.stored(i + 1, hashes);
                // the whole file's hash is needed only at the end: the piece goes out first
                whole.update(buf, 0, len);
            }
            if (in.read() >= 0) {
                throw new SourceException(uri, "sent more than the " + size + " bytes it announced");
            }
        } finally {
            opened.close();
        }
        return new Result(content, new Manifest(size, pieceSize, hashes, Sha256.hex(whole.digest())));
    }

    /** The stored (still partial) content and its manifest. */
    public record Result(StoredContent content, Manifest manifest) {}

    /** The cause without a leading "source URI: " that the stream or source already added. */
    private static String describe(URI uri, Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String prefix = "source " + uri + ": ";
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }
}
