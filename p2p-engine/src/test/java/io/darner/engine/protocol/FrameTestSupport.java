package io.darner.engine.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class FrameTestSupport {

    private FrameTestSupport() {
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i * 31);
        }
        return b;
    }

    /** At least one frame of every type but PIECE, with edge values. */
    static List<Frame> samples() {
        return List.of(
                new Frame.Challenge(Frame.PROTOCOL_VERSION, "sn-1", bytes(16, 1)),
                new Frame.Registered("sn-1", 5_000L),
                new Frame.TaskCommand("t-1", "https://example.org/a.iso", "sha256:ab12", "", 5_000_000, "tenant-a", 20_000_000),
                new Frame.TaskInfo("t-1", bytes(32, 2), 10_000_000_000L, 4 << 20, 2385),
                new Frame.PieceHashes("t-1", 64, bytes(96, 3)),
                new Frame.PieceHashes("t-1", 0, new byte[0]),
                new Frame.ContentReady("t-1", "e3b0c44298fc1c149afbf4c8996fb924"),
                new Frame.PeerList("t-1", List.of(new Frame.PeerAddress("n-1", "10.0.0.1", 7070),
                        new Frame.PeerAddress("n-2", "héllo-ü-日本", 0),
                        new Frame.PeerAddress("", "", 65535))),
                new Frame.PeerList("t-1", List.of()),
                new Frame.TaskFailed("t-1", "digest mismatch"),
                new Frame.CancelTask("t-1", "operator"),
                new Frame.DropPeer("t-1", "n-2"),
                new Frame.Register(Frame.PROTOCOL_VERSION, "n-1", "room-a", "10.0.0.1", 7070,
                        Long.MAX_VALUE, 0L, bytes(32, 4)),
                new Frame.Heartbeat(Long.MIN_VALUE),
                new Frame.JoinTask("t-2", "s3://bucket/key", ""),
                new Frame.Progress("t-1", 123_456_789L, new int[] {0, 5, Integer.MAX_VALUE}),
                new Frame.Progress("t-1", 0L, new int[0]),
                new Frame.Result("t-1", true, "cid", "ok", false),
                new Frame.Result("t-1", false, "", "source error", true),
                new Frame.PeerReport("t-1", "n-2", "bad piece 3"),
                new Frame.Goodbye("bye \uD83D\uDC4B"),
                new Frame.Handshake(Frame.PROTOCOL_VERSION, "t-1", bytes(32, 5), "n-3"),
                new Frame.Bitfield(9, new byte[] {(byte) 0xFF, (byte) 0x80}),
                new Frame.Bitfield(0, new byte[0]),
                new Frame.Bitfield(16, new byte[] {(byte) 0xA5, (byte) 0xFF}),
                Frame.Have.of(0),
                new Frame.Have(new int[] {0, 7, 1023}),
                new Frame.Request(Integer.MAX_VALUE, 3),
                new Frame.RequestAny(0),
                new Frame.Cancel(7),
                new Frame.Reject(7, "busy"));
    }

    /** Encodes with {@link FrameEncoder} into one buffer. */
    static ByteBuf encode(Frame... frames) {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder());
        for (Frame f : frames) {
            assertTrue(ch.writeOutbound(f));
        }
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            all.writeBytes(b);
            b.release();
        }
        assertFalse(ch.finish());
        return all;
    }

    /** {@code [int32 length][type][body]} with the length computed. */
    static ByteBuf raw(int type, Consumer<ByteBuf> body) {
        ByteBuf b = Unpooled.buffer();
        b.writeInt(0).writeByte(type);
        body.accept(b);
        b.setInt(0, b.readableBytes() - 4);
        return b;
    }

    /** Field by field in record-component order; arrays by content. */
    static void assertFrameEquals(Frame expected, Frame actual) {
        assertEquals(expected.getClass(), actual.getClass());
        for (RecordComponent c : expected.getClass().getRecordComponents()) {
            Object e = get(c, expected);
            Object a = get(c, actual);
            String what = expected.type() + "." + c.getName();
            if (e instanceof byte[] eb) {
                assertTrue(Arrays.equals(eb, (byte[]) a), what);
            } else if (e instanceof int[] ei) {
                assertTrue(Arrays.equals(ei, (int[]) a), what);
            } else {
                assertTrue(Objects.equals(e, a), what + ": " + e + " != " + a);
            }
        }
    }

    private static Object get(RecordComponent c, Object record) {
        try {
            return c.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    static void releaseAll(EmbeddedChannel ch) {
        for (Object m; (m = ch.readInbound()) != null; ) {
            ReferenceCountUtil.release(m);
        }
        for (Object m; (m = ch.readOutbound()) != null; ) {
            ReferenceCountUtil.release(m);
        }
    }
}
