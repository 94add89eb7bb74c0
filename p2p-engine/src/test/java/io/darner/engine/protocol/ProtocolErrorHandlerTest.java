package io.darner.engine.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.darner.engine.protocol.FrameTestSupport.encode;
import static io.darner.engine.protocol.FrameTestSupport.samples;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProtocolErrorHandlerTest {

    private static EmbeddedChannel pipeline(int maxFrameBytes) {
        return new EmbeddedChannel(new FrameEncoder(), new FrameDecoder(maxFrameBytes), new ProtocolErrorHandler());
    }

    /** Decodes what the channel wrote; releases it. */
    private static Frame.Goodbye writtenGoodbye(EmbeddedChannel ch) {
        ByteBuf out = Unpooled.buffer();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.writeBytes(b);
            b.release();
        }
        EmbeddedChannel peer = new EmbeddedChannel(new FrameDecoder(Frames.DEFAULT_MAX_FRAME_BYTES));
        assertTrue(peer.writeInbound(out));
        Frame.Goodbye goodbye = peer.readInbound();
        assertNull(peer.readInbound());
        assertFalse(peer.finish());
        return goodbye;
    }

    @Test
    void oversizeFrameGetsGoodbyeAndClose() {
        EmbeddedChannel ch = pipeline(Frames.DEFAULT_MAX_FRAME_BYTES);
        ByteBuf header = Unpooled.buffer().writeInt(Integer.MAX_VALUE).writeByte(FrameType.PIECE.code());
        assertFalse(ch.writeInbound(header));

        assertFalse(ch.isOpen());
        ch.checkException();
        assertThat(header.refCnt()).isZero();
        assertThat(writtenGoodbye(ch).reason())
                .isEqualTo("frame of 2147483647 bytes exceeds the limit of 16778240 bytes");
        assertFalse(ch.finish());
    }

    @Test
    void goodbyeCarriesTheDecoderMessage() {
        EmbeddedChannel ch = pipeline(1024);
        assertFalse(ch.writeInbound(Unpooled.buffer().writeInt(1).writeByte(200)));
        assertFalse(ch.isOpen());
        assertThat(writtenGoodbye(ch).reason()).isEqualTo("unknown frame type 200");
        assertFalse(ch.finish());
    }

    @Test
    void otherExceptionsPassThrough() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder(), new ProtocolErrorHandler());
        ch.pipeline().fireExceptionCaught(new IllegalStateException("not mine"));
        assertThatThrownBy(ch::checkException).isInstanceOf(IllegalStateException.class);
        assertTrue(ch.isOpen());
        assertNull(ch.readOutbound());
        assertFalse(ch.finish());
    }

    @Test
    void randomGarbageNeverEscapesNorLeaks() {
        Random random = new Random(0xDA27E5L);
        List<Frame> samples = samples();
        int closed = 0;
        int decoded = 0;
        for (int iteration = 0; iteration < 5_000; iteration++) {
            byte[] stream = garbage(random, samples);
            EmbeddedChannel ch = pipeline(4096);
            List<ByteBuf> inputs = new ArrayList<>();
            for (int pos = 0; pos < stream.length && ch.isOpen(); ) {
                int n = 1 + random.nextInt(Math.min(64, stream.length - pos));
                ByteBuf chunk = Unpooled.copiedBuffer(stream, pos, n);
                inputs.add(chunk);
                ch.writeInbound(chunk);
                pos += n;
                for (Object m; (m = ch.readInbound()) != null; decoded++) {
                    ReferenceCountUtil.release(m);
                }
            }
            ch.checkException();
            if (!ch.isOpen()) {
                closed++;
                assertThat(writtenGoodbye(ch).reason()).isNotEmpty();
            }
            FrameTestSupport.releaseAll(ch);
            assertFalse(ch.finish());
            for (ByteBuf in : inputs) {
                assertThat(in.refCnt()).as("iteration %d", iteration).isZero();
            }
        }
        // The generator exercises both paths.
        assertThat(closed).isGreaterThan(1_000);
        assertThat(decoded).isGreaterThan(1_000);
    }

    /** Random bytes, plausible headers with random bodies, and valid streams with corruption. */
    private static byte[] garbage(Random random, List<Frame> samples) {
        switch (random.nextInt(4)) {
            case 0 -> {
                byte[] b = new byte[random.nextInt(200)];
                random.nextBytes(b);
                return b;
            }
            case 1 -> {
                FrameType[] types = FrameType.values();
                ByteBuf buf = Unpooled.buffer();
                for (int i = random.nextInt(4); i >= 0; i--) {
                    int bodyLength = random.nextInt(40);
                    buf.writeInt(1 + bodyLength + (random.nextInt(8) == 0 ? random.nextInt(5) - 2 : 0));
                    buf.writeByte(types[random.nextInt(types.length)].code());
                    byte[] body = new byte[bodyLength];
                    random.nextBytes(body);
                    // Small values so that lengths and counts often fit inside the frame.
                    for (int j = 0; j < body.length; j++) {
                        if (random.nextBoolean()) {
                            body[j] = (byte) random.nextInt(3);
                        }
                    }
                    buf.writeBytes(body);
                }
                return release(buf);
            }
            default -> {
                Frame[] frames = new Frame[1 + random.nextInt(4)];
                for (int i = 0; i < frames.length; i++) {
                    frames[i] = random.nextInt(6) == 0
                            ? new Frame.Piece(random.nextInt(100), Unpooled.wrappedBuffer(new byte[random.nextInt(50)]))
                            : samples.get(random.nextInt(samples.size()));
                }
                byte[] b = release(encode(frames));
                if (b.length > 0) {
                    for (int i = random.nextInt(4); i > 0; i--) {
                        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                    }
                }
                return random.nextBoolean() ? b : java.util.Arrays.copyOf(b, random.nextInt(b.length + 1));
            }
        }
    }

    private static byte[] release(ByteBuf buf) {
        byte[] b = io.netty.buffer.ByteBufUtil.getBytes(buf);
        buf.release();
        return b;
    }
}
