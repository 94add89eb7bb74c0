package io.darner.engine.supernode;

import io.darner.engine.manifest.ContentDigest;
import io.darner.engine.manifest.Manifest;
import io.darner.engine.manifest.Sha256;
import io.darner.engine.peer.SeedPolicy;
import io.darner.engine.peer.UploadService;
import io.darner.engine.source.SourceException;
import io.darner.engine.store.PieceStore;
import io.darner.engine.store.SourceIngest;
import io.darner.engine.store.StoredContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
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
    /** Hashes are published in batches of at most this many pieces (smaller ones first). */
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
        SeedPolicy[] policy = new SeedPolicy[1];
        int[] published = new int[1];
        SourceIngest.Result r = SourceIngest.ingest(store, taskId, source, new SourceIngest.Observer() {
            @Override
            public void opened(StoredContent content) {
                policy[0] = new SeedPolicy(content.pieceCount());
                upload.offer(taskId, token, content, policy[0]);
                listener.header(taskId, content.size(), content.pieceSize());
            }

            @Override
            public void stored(int upTo, byte[] hashes) {
                // batches of 1, 1, 2, 4 ... HASH_BATCH pieces: the first piece can move as soon as it is hashed
                int batch = Math.max(1, Math.min(HASH_BATCH, published[0]));
                if (upTo - published[0] >= batch || upTo == policy[0].pieceCount()) {
                    publish(taskId, policy[0], hashes, published[0], upTo);
                    published[0] = upTo;
                }
            }
        });
        String contentId = r.manifest().contentId();
        if (!expectedDigest.isEmpty() && !expectedDigest.equals("sha256:" + contentId)) {
            upload.withdraw(taskId);
            r.content().close();
            store.discardPartial(taskId);
            listener.failed(taskId, "content digest mismatch for " + source + ": expected " + expectedDigest + ", got sha256:" + contentId);
            return;
        }
        StoredContent done = store.complete(r.content(), r.manifest());
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
}
