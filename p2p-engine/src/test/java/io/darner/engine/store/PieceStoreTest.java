package io.darner.engine.store;

import io.darner.engine.manifest.Manifest;
import io.darner.engine.manifest.PieceSizing;
import io.darner.engine.manifest.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PieceStoreTest {
    @TempDir
    Path dir;

    private static final int PIECE = PieceSizing.MIN_PIECE;

    @Test
    void refusesAContentTheDiskCannotHoldBeforeWritingAnything() throws Exception {
        PieceStore store = PieceStore.open(dir.resolve("store"));
        assertThatThrownBy(() -> store.openPartial("huge", 1L << 45, PieceSizing.MAX_PIECE))
                .isInstanceOf(InsufficientSpaceException.class)
                .hasMessageContaining("not enough disk space");
        assertThat(dir.resolve("store/partial/huge")).doesNotExist();
    }

    @Test
    void aReopenedPartialClaimsItsPiecesButCountsThemOnlyAfterTheirHashMatches() throws Exception {
        byte[] data = new byte[3 * PIECE];
        new Random(1).nextBytes(data);
        PieceStore store = PieceStore.open(dir.resolve("store"));
        StoredContent first = store.openPartial("t", data.length, PIECE);
        first.writePiece(0, ByteBuffer.wrap(data, 0, PIECE));
        first.writePiece(2, ByteBuffer.wrap(data, 2 * PIECE, PIECE));
        first.close();

        StoredContent again = PieceStore.open(dir.resolve("store")).openPartial("t", data.length, PIECE);
        assertThat(again.verifiedCount()).isZero();
        assertThat(again.claimedCount()).isEqualTo(2);
        assertThat(again.verifyClaimed(0, Sha256.of(ByteBuffer.wrap(data, 0, PIECE)))).isTrue();
        assertThat(again.verifyClaimed(2, new byte[32])).as("a claim whose hash no longer matches").isFalse();
        assertThat(again.has(0)).isTrue();
        assertThat(again.has(2)).isFalse();
        again.close();
    }

    @Test
    void completeMovesTheContentUnderItsIdAndExportWritesTheExactBytes() throws Exception {
        byte[] data = new byte[2 * PIECE + 5];
        new Random(2).nextBytes(data);
        PieceStore store = PieceStore.open(dir.resolve("store"));
        StoredContent c = store.openPartial("t", data.length, PIECE);
        byte[] hashes = new byte[3 * 32];
        for (int i = 0; i < 3; i++) {
            ByteBuffer piece = ByteBuffer.wrap(data, i * PIECE, c.pieceLength(i));
            System.arraycopy(Sha256.of(piece.duplicate()), 0, hashes, i * 32, 32);
            c.writePiece(i, piece);
        }
        String id = Sha256.hex(Sha256.of(data));
        StoredContent done = store.complete(c, new Manifest(data.length, PIECE, hashes, id));

        assertThat(store.findComplete(id)).isPresent();
        assertThat(dir.resolve("store/partial/t")).doesNotExist();
        Path target = dir.resolve("out.bin");
        done.exportTo(target);
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        done.close();
    }

    @Test
    void aFailedTargetLeavesTheEarlierFileAndNoTemporaryFile() throws Exception {
        Path target = dir.resolve("app.bin");
        Files.writeString(target, "the earlier release");
        TargetWriter w = TargetWriter.open(target, "task", 10);
        w.write(0, ByteBuffer.wrap(new byte[4]));
        assertThatThrownBy(w::commit).hasMessageContaining("4 of 10 bytes");
        assertThat(Files.readString(target)).isEqualTo("the earlier release");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("app.bin");
        }
    }

    @Test
    void targetChecksItsDirectoryUpFront() {
        assertThatThrownBy(() -> TargetWriter.open(dir.resolve("missing/app.bin"), "task", 1))
                .hasMessageContaining("target directory does not exist");
        assertThatThrownBy(() -> TargetWriter.open(dir.resolve("huge.bin"), "task", 1L << 45))
                .isInstanceOf(InsufficientSpaceException.class);
    }

    /** A complete content of {@code data} in {@code store}. */
    private static StoredContent completed(PieceStore store, byte[] data) throws Exception {
        return completed(store, store.openPartial("t", data.length, PIECE), data, null);
    }

    /** Writes every piece of {@code data} to {@code target} (when given) and to the partial, as a download does, then completes it. */
    private static StoredContent completed(PieceStore store, StoredContent c, byte[] data, TargetWriter target) throws Exception {
        byte[] hashes = new byte[c.pieceCount() * 32];
        for (int i = 0; i < c.pieceCount(); i++) {
            ByteBuffer piece = ByteBuffer.wrap(data, i * PIECE, c.pieceLength(i));
            System.arraycopy(Sha256.of(piece.duplicate()), 0, hashes, i * 32, 32);
            if (target != null) target.write((long) i * PIECE, piece.duplicate());
            c.writePiece(i, piece);
        }
        return store.complete(c, new Manifest(data.length, PIECE, hashes, Sha256.hex(Sha256.of(data))));
    }

    private static long inode(Path p) throws Exception {
        return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    }

    @Test
    void aTargetBesideTheStoreSharesItsBlocksInsteadOfHoldingASecondCopy() throws Exception {
        byte[] data = new byte[2 * PIECE + 5];
        new Random(3).nextBytes(data);
        PieceStore store = PieceStore.open(dir.resolve("store"));
        StoredContent c = store.openPartial("t", data.length, PIECE);
        Path target = dir.resolve("app.bin");
        TargetWriter w = TargetWriter.open(target, "t", data.length, c.dataFile());
        assertThat(w.linked()).isTrue();
        StoredContent done = completed(store, c, data, w);
        w.commit();

        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertThat(inode(target)).as("one file on disk, two names").isEqualTo(inode(done.dataFile()));
        assertThat(store.entries()).singleElement().satisfies(e -> assertThat(e.bytes())
                .as("bytes dropping the entry would free: the data stays as the target").isLessThan(data.length));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("app.bin", "store");
        }
        done.close();
    }

    @Test
    void aFileSystemWithoutTheLinkGetsItsOwnCopy() throws Exception {
        byte[] data = new byte[PIECE + 1];
        new Random(4).nextBytes(data);
        Path target = dir.resolve("app.bin");
        // nothing to link to, as across file systems (EXDEV): the writer falls back to a file of its own
        TargetWriter w = TargetWriter.open(target, "t", data.length, dir.resolve("no-such-store-file"));
        assertThat(w.linked()).isFalse();
        w.write(0, ByteBuffer.wrap(data));
        w.commit();
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertThat(Files.getAttribute(target, "unix:nlink")).isEqualTo(1);
    }

    @Test
    void aStoredContentChangedThroughItsTargetIsNoLongerServedFromTheStore() throws Exception {
        byte[] data = new byte[3 * PIECE];
        new Random(5).nextBytes(data);
        PieceStore store = PieceStore.open(dir.resolve("store"));
        StoredContent done = completed(store, data);
        String id = done.manifest().contentId();
        Path target = dir.resolve("app.bin");
        done.exportTo(target);
        done.close();
        assertThat(inode(target)).as("a cache hit exports by linking").isEqualTo(inode(dir.resolve("store/content/" + id + "/data")));
        StoredContent again = store.findComplete(id).orElseThrow();
        Path second = dir.resolve("second.bin");
        again.exportTo(second);
        again.close();
        assertThat(Files.readAllBytes(second)).isEqualTo(data);
        assertThat(inode(second)).as("a second target gets a copy, so editing one target never changes another").isNotEqualTo(inode(target));

        // a user edits the target in place: the store's bytes changed with it
        try (var ch = java.nio.channels.FileChannel.open(target, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {42}), 7);
        }
        assertThat(store.findComplete(id)).as("the store no longer vouches for those bytes").isEmpty();
        assertThat(dir.resolve("store/content/" + id)).doesNotExist();
        assertThat(Files.size(target)).as("the user's file is left alone").isEqualTo(data.length);
        assertThat(Files.readAllBytes(second)).as("and the other target did not change with it").isEqualTo(data);
    }

    @Test
    void anEarlierRunsLinkedTemporaryFileIsReplacedNotWrittenThrough() throws Exception {
        byte[] data = new byte[2 * PIECE];
        new Random(6).nextBytes(data);
        PieceStore store = PieceStore.open(dir.resolve("store"));
        StoredContent c = store.openPartial("t", data.length, PIECE);
        c.writePiece(0, ByteBuffer.wrap(data, 0, PIECE));
        Path target = dir.resolve("app.bin");
        TargetWriter.open(target, "t", data.length, c.dataFile()); // the run that crashed left its link behind
        TargetWriter fresh = TargetWriter.open(target, "t", data.length, null);
        assertThat(fresh.linked()).isFalse();
        fresh.abort();
        ByteBuffer kept = c.readPiece(0);
        assertThat(kept.array()).as("the store's piece survives a new, unlinked temporary file").isEqualTo(java.util.Arrays.copyOf(data, PIECE));
        c.close();
    }
}
