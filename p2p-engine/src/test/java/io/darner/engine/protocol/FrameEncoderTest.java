package io.darner.engine.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class FrameEncoderTest {

    private static void assertRejected(FrameEncoder encoder, Frame frame, String message) {
        EmbeddedChannel ch = new EmbeddedChannel(encoder);
        assertThatThrownBy(() -> ch.writeOutbound(frame))
                .isInstanceOf(EncoderException.class)
                .cause()
                .isExactlyInstanceOf(FrameCodecException.class)
                .hasMessage(message);
        assertNull(ch.readOutbound());
        assertFalse(ch.finish());
    }

    private static void assertRejected(Frame frame, String message) {
        assertRejected(new FrameEncoder(), frame, message);
    }

    @Test
    void stringOverUint16IsRejectedWithItsField() {
        assertRejected(new Frame.Goodbye("a".repeat(70_000)), "GOODBYE.reason is 70000 UTF-8 bytes, the limit is 65535");
        // 40000 chars, 80000 bytes: the limit is on UTF-8 bytes, not chars.
        assertRejected(new Frame.Handshake(1, "é".repeat(40_000), new byte[0], "n"),
                "HANDSHAKE.taskId is 80000 UTF-8 bytes, the limit is 65535");
        assertRejected(new Frame.PeerList("t", List.of(new Frame.PeerAddress("n", "h".repeat(65_536), 1))),
                "PEER_LIST.peers[0].host is 65536 UTF-8 bytes, the limit is 65535");
    }

    @Test
    void nullFieldsAreRejectedWithTheirName() {
        assertRejected(new Frame.Handshake(1, null, new byte[0], "n"), "HANDSHAKE.taskId is null");
        assertRejected(new Frame.Challenge(1, "s", null), "CHALLENGE.nonce is null");
        assertRejected(new Frame.Progress("t", 0, null), "PROGRESS.newPieces is null");
        assertRejected(new Frame.PeerList("t", Arrays.asList((Frame.PeerAddress) null)), "PEER_LIST.peers[0] is null");
    }

    @Test
    void framesTheDecoderWouldRejectAreNotSent() {
        assertRejected(Frame.Have.of(-1), "invalid HAVE frame: indexes[0] is negative (-1)");
        assertRejected(new Frame.Bitfield(9, new byte[1]), "invalid BITFIELD frame: bits is 1 bytes, pieceCount 9 needs 2");
        assertRejected(new Frame.PieceHashes("t", 0, new byte[31]),
                "invalid PIECE_HASHES frame: hashes is 31 bytes, not a multiple of 32");
        assertRejected(new Frame.Register(1, "n", "r", "h", -1, 0, 0, new byte[0]),
                "invalid REGISTER frame: dataPort -1 is not a TCP port");
    }

    @Test
    void oversizeFrameIsRejected() {
        assertRejected(new FrameEncoder(100), new Frame.Challenge(1, "s", new byte[200]),
                "CHALLENGE frame exceeds the limit of 100 bytes at nonce");
    }

    @Test
    void oversizePieceIsRejectedAndReleased() {
        ByteBuf data = Unpooled.buffer().writeZero(200);
        assertRejected(new FrameEncoder(100), new Frame.Piece(0, data),
                "PIECE frame of 205 bytes exceeds the limit of 100 bytes");
        // The encoder owns the piece once written, even when the write fails.
        assertThat(data.refCnt()).isZero();
    }

    @Test
    void pieceHeaderRejectsImpossibleValues() {
        assertThatThrownBy(() -> FrameEncoder.pieceHeader(UnpooledByteBufAllocator.DEFAULT, -1, 0))
                .isInstanceOf(FrameCodecException.class);
        assertThatThrownBy(() -> FrameEncoder.pieceHeader(UnpooledByteBufAllocator.DEFAULT, 0, Integer.MAX_VALUE))
                .isInstanceOf(FrameCodecException.class);
    }
}
