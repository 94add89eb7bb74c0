package io.darner.engine.supernode;

import io.darner.engine.manifest.ContentDigest;
import io.darner.engine.manifest.Manifest;
import io.darner.engine.manifest.PieceSizing;
import io.darner.engine.manifest.Sha256;
import io.darner.engine.peer.SeedPolicy;
import io.darner.engine.peer.UploadService;
import io.darner.engine.source.Source;
import io.darner.engine.source.SourceException;
import io.darner.engine.source.Sources;
import io.darner.engine.store.PieceStore;
import io.darner.engine.store.StoredContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * Back-to-source: reads a task's source once, sequentially, into the supernode's piece store,
 * hashing every piece and the whole file as it goes, and offers each piece to peers as soon as
 * it is stored, so the first piece moves long before the last byte of a large file is read.
 * After a dropped connection it resumes the read at the next byte (HTTP Range).
 */
final class Seed {
    private static final Logger log = LoggerFactory.getLogger(Seed.class);
    private static final int RESUME_ATTEMPTS = 3;
    /** Hashes are published in batches of at most this many pieces. */
    private static final int HASH_BATCH = 64;

    interface Listener {
        void header(String taskId, long size, int pieceSize);
        void hashes(String taskId, int firstIndex, byte[] hashes);
        void complete(String taskId, String contentId);
        void failed(String taskId, String reason);
    }

    private final PieceStore store;
    private final UploadService upload;
    private final ExecutorService readers;
    private final Listener listener;

    Seed(PieceStore store, UploadService upload, ExecutorService readers, Listener listener) {
        this.store = store;
        this.upload = upload;
        this.readers = readers;
        this.listener = listener;
    }

    void start(String taskId, String source, String expectedDigest, byte[] token) {
        readers.execute(() -> {
            try {
                run(taskId, source, expectedDigest, token);
            } catch (SourceException e) {
                listener.failed(taskId, e.getMessage());
            } catch (IOException e) {
                listener.failed(taskId, "seed cannot store " + source + ": " + e);
            } catch (RuntimeException e) {
                log.error("seed of {} failed", taskId, e);
                listener.failed(taskId, "seed error reading " + source + ": " + e);
            }
        });
    }

    private void run(String taskId, String source, String expectedDigest, byte[] token) throws SourceException, IOException {
        if (!expectedDigest.isEmpty()) {
            Optional<StoredContent> cached = store.findComplete(ContentDigest.parse(expectedDigest).hex());
            if (cached.isPresent()) {
                serveComplete(taskId, cached.get(), token);
                return;
            }
        }
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
        SeedPolicy policy = new SeedPolicy(count);
        upload.offer(taskId, token, content, policy);
        listener.header(taskId, size, pieceSize);

        MessageDigest whole = Sha256.newDigest();
        byte[] allHashes = new byte[count * Sha256.LENGTH];
        byte[] buf = new byte[pieceSize];
        int batchStart = 0;
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
                        log.info("seed {}: resuming {} at byte {} after: {}", taskId, uri, offset, e.toString());
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
                whole.update(buf, 0, len);
                byte[] h = Sha256.of(piece.duplicate());
                System.arraycopy(h, 0, allHashes, i * Sha256.LENGTH, Sha256.LENGTH);
                content.writePiece(i, piece);
                if (i + 1 - batchStart >= HASH_BATCH || i == count - 1) {
                    publish(taskId, policy, allHashes, batchStart, i + 1);
                    batchStart = i + 1;
                }
            }
            if (in.read() >= 0) {
                throw new SourceException(uri, "sent more than the " + size + " bytes it announced");
            }
        } finally {
            opened.close();
        }
        String contentId = Sha256.hex(whole.digest());
        if (!expectedDigest.isEmpty() && !expectedDigest.equals("sha256:" + contentId)) {
            upload.withdraw(taskId);
            content.close();
            store.discardPartial(taskId);
            listener.failed(taskId, "content digest mismatch for " + source + ": expected " + expectedDigest + ", got sha256:" + contentId);
            return;
        }
        StoredContent done = store.complete(content, new Manifest(size, pieceSize, allHashes, contentId));
        upload.replaceContent(taskId, done);
        listener.complete(taskId, contentId);
    }

    private void publish(String taskId, SeedPolicy policy, byte[] all, int from, int to) {
        byte[] batch = new byte[(to - from) * Sha256.LENGTH];
        System.arraycopy(all, from * Sha256.LENGTH, batch, 0, batch.length);
        policy.published(to); // before nodes learn of the pieces, so their RequestAny finds them
        listener.hashes(taskId, from, batch);
    }

    private void serveComplete(String taskId, StoredContent content, byte[] token) {
        Manifest m = content.manifest();
        SeedPolicy policy = new SeedPolicy(m.pieceCount());
        upload.offer(taskId, token, content, policy);
        listener.header(taskId, m.size(), m.pieceSize());
        policy.published(m.pieceCount());
        if (m.pieceCount() > 0) listener.hashes(taskId, 0, m.pieceHashes());
        listener.complete(taskId, m.contentId());
    }

    /** The cause without a leading "source URI: " that the stream or source already added. */
    private static String describe(URI uri, Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String prefix = "source " + uri + ": ";
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }
}
