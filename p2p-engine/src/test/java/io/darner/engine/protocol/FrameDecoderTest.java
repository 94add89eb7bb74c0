package io.darner.engine.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static io.darner.engine.protocol.FrameTestSupport.assertFrameEquals;
import static io.darner.engine.protocol.FrameTestSupport.encode;
import static io.darner.engine.protocol.FrameTestSupport.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class FrameDecoderTest {

    private static final int MAX = 1024;

    static Stream<Arguments> malformedFrames() {
        return Stream.of(
                arguments("unknown type", raw(200, b -> { }), "unknown frame type 200"),
                arguments("unused code", raw(0, b -> b.writeInt(1)), "unknown frame type 0"),
                arguments("empty frame", Unpooled.buffer().writeInt(0),
                        "empty frame: length 0, a frame holds at least its type byte"),
                arguments("negative length", Unpooled.buffer().writeInt(-5).writeByte(62),
                        "negative frame length -5"),
                arguments("oversize", Unpooled.buffer().writeInt(MAX + 1),
                        "frame of 1025 bytes exceeds the limit of 1024 bytes"),
                arguments("string past end", raw(FrameType.HANDSHAKE.code(), b -> b.writeInt(1).writeShort(900).writeMedium(0)),
                        "truncated HANDSHAKE frame: taskId string length 900 beyond frame end (3 bytes left)"),
                arguments("missing int", raw(FrameType.CANCEL.code(), b -> b.writeShort(1)),
                        "truncated CANCEL frame: index int32 needs 4 bytes, 2 left"),
                arguments("trailing bytes", raw(FrameType.CANCEL.code(), b -> b.writeInt(1).writeShort(0)),
                        "CANCEL frame has 2 trailing bytes"),
                arguments("negative byte length", raw(FrameType.CHALLENGE.code(), b -> b.writeInt(1).writeShort(0).writeInt(-1)),
                        "invalid CHALLENGE frame: negative nonce byte length -1"),
                arguments("bytes past end", raw(FrameType.CHALLENGE.code(), b -> b.writeInt(1).writeShort(0).writeInt(16).writeLong(0)),
                        "truncated CHALLENGE frame: nonce byte length 16 beyond frame end (8 bytes left)"),
                arguments("int count past end", raw(FrameType.PROGRESS.code(),
                                b -> b.writeShort(1).writeByte('t').writeLong(0).writeInt(Integer.MAX_VALUE)),
                        "truncated PROGRESS frame: newPieces int count 2147483647 beyond frame end (0 bytes left)"),
                arguments("peer count past end", raw(FrameType.PEER_LIST.code(), b -> b.writeShort(0).writeInt(2).writeLong(0)),
                        "truncated PEER_LIST frame: peers peer count 2 beyond frame end (8 bytes left)"),
                arguments("hashes not multiple of 32", raw(FrameType.PIECE_HASHES.code(),
                                b -> b.writeShort(0).writeInt(0).writeInt(33).writeZero(33)),
                        "invalid PIECE_HASHES frame: hashes is 33 bytes, not a multiple of 32"),
                arguments("bitfield too short", raw(FrameType.BITFIELD.code(), b -> b.writeInt(9).writeInt(1).writeByte(0)),
                        "invalid BITFIELD frame: bits is 1 bytes, pieceCount 9 needs 2"),
                arguments("bitfield spare bits", raw(FrameType.BITFIELD.code(), b -> b.writeInt(9).writeInt(2).writeByte(0xFF).writeByte(0x01)),
                        "invalid BITFIELD frame: spare bits after piece 8 are set"),
                arguments("negative pieceCount", raw(FrameType.TASK_INFO.code(),
                                b -> b.writeShort(0).writeInt(0).writeLong(0).writeInt(0).writeInt(-1)),
                        "invalid TASK_INFO frame: pieceCount is negative (-1)"),
                arguments("negative index", raw(FrameType.REQUEST.code(), b -> b.writeInt(-1).writeInt(1)),
                        "invalid REQUEST frame: index is negative (-1)"),
                arguments("negative piece index", raw(FrameType.PIECE.code(), b -> b.writeInt(-2).writeByte(1)),
                        "invalid PIECE frame: index is negative (-2)"),
                arguments("piece without index", raw(FrameType.PIECE.code(), b -> b.writeByte(1)),
                        "truncated PIECE frame: index int32 needs 4 bytes, 1 left"),
                arguments("boolean not 0/1", raw(FrameType.RESULT.code(), b -> b.writeShort(0).writeByte(2)),
                        "invalid RESULT frame: success boolean byte is 2, not 0 or 1"),
                arguments("bad UTF-8", raw(FrameType.GOODBYE.code(), b -> b.writeShort(2).writeByte(0xC3).writeByte(0x28)),
                        "invalid GOODBYE frame: reason is not valid UTF-8"),
                arguments("port out of range", raw(FrameType.PEER_LIST.code(),
                                b -> b.writeShort(0).writeInt(1).writeShort(0).writeShort(0).writeInt(70000)),
                        "invalid PEER_LIST frame: peers[0].port 70000 is not a TCP port"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFrames")
    void malformedFrameIsRejected(String name, ByteBuf wire, String message) {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
        assertThatThrownBy(() -> ch.writeInbound(wire))
                .isExactlyInstanceOf(FrameCodecException.class)
                .hasMessage(message);
        assertThat(wire.refCnt()).isZero();
        assertFalse(ch.finish());
    }

    @Test
    void framesBeforeTheErrorAreDeliveredAndEverythingAfterIsDiscarded() {
        ByteBuf wire = encode(Frame.Have.of(1));
        ByteBuf bad = raw(200, b -> { });
        wire.writeBytes(bad);
        bad.release();
        ByteBuf more = encode(Frame.Have.of(2));
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));

        assertThatThrownBy(() -> ch.writeInbound(wire)).isInstanceOf(FrameCodecException.class);
        assertFrameEquals(Frame.Have.of(1), ch.readInbound());

        // Valid frames after an error are not decoded: the stream cannot be resynchronised.
        assertFalse(ch.writeInbound(more));
        assertFalse(ch.writeInbound(Unpooled.buffer().writeInt(-1)));
        assertNull(ch.readInbound());
        assertThat(more.refCnt()).isZero();
        assertFalse(ch.finish());
    }

    @Test
    void oversizeFrameFailsFromItsLengthFieldAlone() {
        Probe decoder = new Probe(Frames.DEFAULT_MAX_FRAME_BYTES);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        byte[] header = {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        for (int i = 0; i < 3; i++) {
            assertFalse(ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {header[i]})));
            assertThat(decoder.buffered()).isEqualTo(i + 1);
        }
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {header[3]})))
                .isInstanceOf(FrameCodecException.class)
                .hasMessage("frame of 2147483647 bytes exceeds the limit of 16778240 bytes");
        assertThat(decoder.buffered()).isZero();

        // What the peer sends next is dropped on arrival, never accumulated.
        ByteBuf body = Unpooled.wrappedBuffer(new byte[1 << 20]);
        assertFalse(ch.writeInbound(body));
        assertThat(body.refCnt()).isZero();
        assertThat(decoder.buffered()).isZero();
        assertFalse(ch.finish());
    }

    @Test
    void largestAllowedFrameIsAccepted() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
        ByteBuf wire = raw(FrameType.PIECE.code(), b -> b.writeInt(0).writeZero(MAX - 5));
        assertThat(wire.getInt(0)).isEqualTo(MAX);
        assertTrue(ch.writeInbound(wire));
        Frame.Piece piece = ch.readInbound();
        assertThat(piece.data().readableBytes()).isEqualTo(MAX - 5);
        piece.release();
        assertFalse(ch.finish());
    }

    @Test
    void partialFrameIsReleasedOnClose() {
        ByteBuf partial = Unpooled.buffer().writeInt(100).writeByte(FrameType.GOODBYE.code()).writeShort(10)
                .writeBytes("abc".getBytes(StandardCharsets.US_ASCII));
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
        assertFalse(ch.writeInbound(partial));
        assertThat(partial.refCnt()).isEqualTo(1);
        assertFalse(ch.finish());
        assertThat(partial.refCnt()).isZero();
    }

    @Test
    void rejectsAnImpossibleLimit() {
        assertThatThrownBy(() -> new FrameDecoder(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameDecoder(Integer.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Exposes how many bytes the decoder holds. */
    private static final class Probe extends FrameDecoder {
        Probe(int maxFrameBytes) {
            super(maxFrameBytes);
        }

        int buffered() {
            return internalBuffer().readableBytes();
        }
    }
}
