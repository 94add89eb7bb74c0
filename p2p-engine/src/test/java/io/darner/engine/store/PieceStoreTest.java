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
}
