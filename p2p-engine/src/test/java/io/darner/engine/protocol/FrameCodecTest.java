package io.darner.engine.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static io.darner.engine.protocol.FrameTestSupport.assertFrameEquals;
import static io.darner.engine.protocol.FrameTestSupport.bytes;
import static io.darner.engine.protocol.FrameTestSupport.encode;
import static io.darner.engine.protocol.FrameTestSupport.samples;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FrameCodecTest {

    @Test
    void samplesCoverEveryFrameType() {
        Set<FrameType> covered = EnumSet.of(FrameType.PIECE);
        samples().forEach(f -> covered.add(f.type()));
        assertThat(covered).containsExactlyInAnyOrder(FrameType.values());
    }

    @Test
    void everyFrameTypeRoundTrips() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(Frames.DEFAULT_MAX_FRAME_BYTES));
        for (Frame sample : samples()) {
            assertTrue(ch.writeInbound(encode(sample)), sample.type().name());
            Frame decoded = ch.readInbound();
            assertFrameEquals(sample, decoded);
            assertNull(ch.readInbound());
        }
        assertFalse(ch.finish());
    }

    @Test
    void pieceRoundTrips() {
        byte[] data = bytes(1000, 9);
        ByteBuf wire = encode(new Frame.Piece(42, Unpooled.wrappedBuffer(data)));
        assertThat(wire.readableBytes()).isEqualTo(Frames.PIECE_HEADER_BYTES + data.length);

        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(Frames.DEFAULT_MAX_FRAME_BYTES));
        assertTrue(ch.writeInbound(wire));
        Frame.Piece piece = ch.readInbound();
        try {
            assertThat(piece.index()).isEqualTo(42);
            assertThat(ByteBufUtil.getBytes(piece.data())).isEqualTo(data);
        } finally {
            piece.release();
        }
        assertThat(wire.refCnt()).isZero();
        assertFalse(ch.finish());
    }

    @Test
    void emptyPieceRoundTrips() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(Frames.DEFAULT_MAX_FRAME_BYTES));
        assertTrue(ch.writeInbound(encode(new Frame.Piece(0, Unpooled.EMPTY_BUFFER))));
        Frame.Piece piece = ch.readInbound();
        assertThat(piece.index()).isZero();
        assertThat(piece.data().readableBytes()).isZero();
        piece.release();
        assertFalse(ch.finish());
    }

    @Test
    void longestStringRoundTrips() {
        String reason = "é".repeat(Frames.MAX_STRING_BYTES / 2) + "a";
        assertThat(reason.getBytes(StandardCharsets.UTF_8)).hasSize(Frames.MAX_STRING_BYTES);
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(Frames.DEFAULT_MAX_FRAME_BYTES));
        assertTrue(ch.writeInbound(encode(new Frame.Goodbye(reason))));
        assertThat(((Frame.Goodbye) ch.readInbound()).reason()).isEqualTo(reason);
        assertFalse(ch.finish());
    }

    @Test
    void framesFedOneByteAtATime() {
        List<Frame> sent = new ArrayList<>(samples());
        byte[] data = bytes(300, 7);
        ByteBuf wire = encode(sent.toArray(new Frame[0]));
        ByteBuf piece = encode(new Frame.Piece(5, Unpooled.wrappedBuffer(data)));
        wire.writeBytes(piece);
        piece.release();

        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(Frames.DEFAULT_MAX_FRAME_BYTES));
        for (int i = 0; i < wire.readableBytes(); i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {wire.getByte(i)}));
        }
        wire.release();
        for (Frame f : sent) {
            assertFrameEquals(f, ch.readInbound());
        }
        Frame.Piece decoded = ch.readInbound();
        assertThat(decoded.index()).isEqualTo(5);
        assertThat(ByteBufUtil.getBytes(decoded.data())).isEqualTo(data);
        decoded.release();
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void severalFramesInOneBuffer() {
        List<Frame> sent = samples();
        ByteBuf wire = encode(sent.toArray(new Frame[0]));
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(Frames.DEFAULT_MAX_FRAME_BYTES));
        assertTrue(ch.writeInbound(wire));
        for (Frame f : sent) {
            assertFrameEquals(f, ch.readInbound());
        }
        assertNull(ch.readInbound());
        assertThat(wire.refCnt()).isZero();
        assertFalse(ch.finish());
    }

    @Test
    void frameSplitAcrossTwoReads() {
        ByteBuf wire = encode(new Frame.Reject(3, "no"), Frame.Have.of(4));
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(Frames.DEFAULT_MAX_FRAME_BYTES));
        assertFalse(ch.writeInbound(wire.readRetainedSlice(7)));
        assertTrue(ch.writeInbound(wire));
        assertFrameEquals(new Frame.Reject(3, "no"), ch.readInbound());
        assertFrameEquals(Frame.Have.of(4), ch.readInbound());
        assertThat(wire.refCnt()).isZero();
        assertFalse(ch.finish());
    }

    @Test
    void decodedPieceIsASliceOfTheInput() {
        ByteBuf input = Unpooled.buffer(64);
        input.writeInt(1 + 4 + 5).writeByte(FrameType.PIECE.code()).writeInt(7)
                .writeBytes("hello".getBytes(StandardCharsets.US_ASCII));
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(1024));
        assertTrue(ch.writeInbound(input));
        Frame.Piece piece = ch.readInbound();

        assertThat(piece.index()).isEqualTo(7);
        assertThat(piece.data().array()).isSameAs(input.array());
        assertThat(piece.data().arrayOffset() + piece.data().readerIndex())
                .isEqualTo(input.arrayOffset() + Frames.PIECE_HEADER_BYTES);
        input.setByte(Frames.PIECE_HEADER_BYTES, 'j');
        assertThat(piece.data().toString(StandardCharsets.US_ASCII)).isEqualTo("jello");

        // The decoder gave its reference back; only the piece keeps the input alive.
        assertThat(input.refCnt()).isEqualTo(1);
        assertTrue(piece.release());
        assertThat(input.refCnt()).isZero();
        assertFalse(ch.finish());
    }

    @Test
    void decodedPieceSharesPooledDirectMemory() {
        ByteBuf input = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        assumeTrue(input.hasMemoryAddress(), "no Unsafe: addresses not observable");
        input.writeInt(1 + 4 + 3).writeByte(FrameType.PIECE.code()).writeInt(1).writeBytes(new byte[] {1, 2, 3});
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(1024));
        assertTrue(ch.writeInbound(input));
        Frame.Piece piece = ch.readInbound();
        assertThat(piece.data().memoryAddress() + piece.data().readerIndex())
                .isEqualTo(input.memoryAddress() + Frames.PIECE_HEADER_BYTES);
        assertTrue(piece.release());
        assertThat(input.refCnt()).isZero();
        assertFalse(ch.finish());
    }

    @Test
    void encodedPieceDataIsNotCopied() {
        ByteBuf data = Unpooled.wrappedBuffer(bytes(100, 1));
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder());
        assertTrue(ch.writeOutbound(new Frame.Piece(3, data)));
        ByteBuf header = ch.readOutbound();
        ByteBuf body = ch.readOutbound();
        assertNull(ch.readOutbound());

        assertThat(body).isSameAs(data);
        assertThat(data.refCnt()).isEqualTo(1);
        ByteBuf expected = FrameEncoder.pieceHeader(UnpooledByteBufAllocator.DEFAULT, 3, 100);
        assertThat(ByteBufUtil.equals(header, expected)).isTrue();
        expected.release();
        header.release();
        assertTrue(body.release());
        assertFalse(ch.finish());
    }

    @Test
    void pieceHeaderIsLengthTypeIndex() {
        ByteBuf header = FrameEncoder.pieceHeader(UnpooledByteBufAllocator.DEFAULT, 3, 5);
        assertThat(ByteBufUtil.getBytes(header)).containsExactly(0, 0, 0, 10, FrameType.PIECE.code(), 0, 0, 0, 3);

        // An uploader writes the header, then the data on its own (e.g. a FileRegion).
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(1024));
        assertFalse(ch.writeInbound(header));
        assertTrue(ch.writeInbound(Unpooled.copiedBuffer("abcde", StandardCharsets.US_ASCII)));
        Frame.Piece piece = ch.readInbound();
        assertThat(piece.index()).isEqualTo(3);
        assertThat(piece.data().toString(StandardCharsets.US_ASCII)).isEqualTo("abcde");
        piece.release();
        assertFalse(ch.finish());
    }
}
