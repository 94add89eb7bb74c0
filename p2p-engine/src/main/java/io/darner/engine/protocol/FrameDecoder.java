package io.darner.engine.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.ReferenceCountUtil;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns {@code [int32 length][uint8 type][body]} into {@link Frame} records.
 *
 * <p>The length field is checked as soon as its 4 bytes arrive, so an oversize frame is never
 * accumulated. A {@link Frame.Piece}'s data is a retained slice of the received buffer; the
 * consumer releases it. After the first {@link FrameCodecException} every further byte is
 * discarded: a broken stream cannot be resynchronised. One instance per channel.
 */
public class FrameDecoder extends LengthFieldBasedFrameDecoder {

    private final int maxFrameBytes;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
    private boolean failed;

    /** @param maxFrameBytes largest accepted value of the length field (type + body) */
    public FrameDecoder(int maxFrameBytes) {
        super(ByteOrder.BIG_ENDIAN, checkMax(maxFrameBytes) + Frames.LENGTH_FIELD_BYTES,
                0, Frames.LENGTH_FIELD_BYTES, 0, Frames.LENGTH_FIELD_BYTES, true);
        this.maxFrameBytes = maxFrameBytes;
        // a piece spans several socket reads: gather them without copying into one buffer
        setCumulator(COMPOSITE_CUMULATOR);
    }

    private static int checkMax(int maxFrameBytes) {
        if (maxFrameBytes < Frames.MIN_FRAME_BYTES || maxFrameBytes > Integer.MAX_VALUE - Frames.LENGTH_FIELD_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes " + maxFrameBytes + " out of range");
        }
        return maxFrameBytes;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return null;
        }
        if (in.readableBytes() >= Frames.LENGTH_FIELD_BYTES) {
            // Checked before the superclass waits for the body: nothing oversize is ever buffered.
            int length = in.getInt(in.readerIndex());
            if (length > maxFrameBytes) {
                throw fail(in, new FrameCodecException(
                        "frame of " + length + " bytes exceeds the limit of " + maxFrameBytes + " bytes"));
            }
            if (length < Frames.MIN_FRAME_BYTES) {
                throw fail(in, new FrameCodecException(length < 0
                        ? "negative frame length " + length
                        : "empty frame: length 0, a frame holds at least its type byte"));
            }
        }
        ByteBuf frame;
        try {
            frame = (ByteBuf) super.decode(ctx, in);
        } catch (RuntimeException e) {
            throw fail(in, e);
        }
        if (frame == null) {
            return null;
        }
        try {
            Frame decoded = parse(frame);
            try {
                FrameRules.check(decoded);
            } catch (RuntimeException e) {
                ReferenceCountUtil.release(decoded);
                throw e;
            }
            return decoded;
        } catch (RuntimeException e) {
            throw fail(in, e);
        } finally {
            frame.release();
        }
    }

    private FrameCodecException fail(ByteBuf in, RuntimeException cause) {
        failed = true;
        in.skipBytes(in.readableBytes());
        return cause instanceof FrameCodecException e ? e : new FrameCodecException("malformed frame: " + cause, cause);
    }

    private Frame parse(ByteBuf frame) {
        int code = frame.readUnsignedByte();
        FrameType type = FrameType.of(code);
        if (type == null) {
            throw new FrameCodecException("unknown frame type " + code);
        }
        Body b = new Body(type, frame);
        if (type == FrameType.PIECE) {
            int index = b.int32("index");
            // Zero copy: a view of the received bytes, released by the consumer.
            return new Frame.Piece(index, frame.retainedSlice());
        }
        Frame f = switch (type) {
            case CHALLENGE -> new Frame.Challenge(b.int32("protocolVersion"), b.string("supernodeId"), b.bytes("nonce"));
            case REGISTERED -> new Frame.Registered(b.string("supernodeId"), b.int64("heartbeatMillis"));
            case TASK_COMMAND -> new Frame.TaskCommand(b.string("taskId"), b.string("source"),
                    b.string("expectedDigest"), b.string("targetPath"), b.rate("taskRate"), b.string("rateGroup"), b.rate("groupRate"));
            case TASK_INFO -> new Frame.TaskInfo(b.string("taskId"), b.bytes("token"), b.int64("size"),
                    b.int32("pieceSize"), b.int32("pieceCount"));
            case PIECE_HASHES -> new Frame.PieceHashes(b.string("taskId"), b.int32("firstIndex"), b.bytes("hashes"));
            case CONTENT_READY -> new Frame.ContentReady(b.string("taskId"), b.string("contentId"));
            case PEER_LIST -> new Frame.PeerList(b.string("taskId"), b.peers("peers"));
            case TASK_FAILED -> new Frame.TaskFailed(b.string("taskId"), b.string("reason"));
            case DROP_PEER -> new Frame.DropPeer(b.string("taskId"), b.string("peerNodeId"));
            case CANCEL_TASK -> new Frame.CancelTask(b.string("taskId"), b.string("reason"));
            case REGISTER -> new Frame.Register(b.int32("protocolVersion"), b.string("nodeId"), b.string("room"),
                    b.string("dataHost"), b.int32("dataPort"), b.int64("uploadBytesPerSecond"),
                    b.int64("downloadBytesPerSecond"), b.bytes("proof"));
            case HEARTBEAT -> new Frame.Heartbeat(b.int64("sentAtMillis"));
            case JOIN_TASK -> new Frame.JoinTask(b.string("taskId"), b.string("source"), b.string("expectedDigest"));
            case PROGRESS -> new Frame.Progress(b.string("taskId"), b.int64("bytesVerified"), b.ints("newPieces"));
            case RESULT -> new Frame.Result(b.string("taskId"), b.bool("success"), b.string("contentId"),
                    b.string("message"), b.bool("fromSource"));
            case PEER_REPORT -> new Frame.PeerReport(b.string("taskId"), b.string("peerNodeId"), b.string("reason"));
            case GOODBYE -> new Frame.Goodbye(b.string("reason"));
            case HANDSHAKE -> new Frame.Handshake(b.int32("protocolVersion"), b.string("taskId"), b.bytes("token"),
                    b.string("nodeId"));
            case BITFIELD -> new Frame.Bitfield(b.int32("pieceCount"), b.bytes("bits"));
            case HAVE -> new Frame.Have(b.ints("indexes"));
            case REQUEST -> new Frame.Request(b.int32("index"), b.int32("holders"));
            case REQUEST_ANY -> new Frame.RequestAny(b.int32("knownPieces"));
            case CANCEL -> new Frame.Cancel(b.int32("index"));
            case REJECT -> new Frame.Reject(b.int32("index"), b.string("reason"));
            case PIECE -> throw new AssertionError("handled above");
        };
        if (frame.isReadable()) {
            throw new FrameCodecException(type + " frame has " + frame.readableBytes() + " trailing bytes");
        }
        return f;
    }

    /** Bounds-checked reads inside one frame; every length is checked against the bytes left. */
    private final class Body {
        private final FrameType type;
        private final ByteBuf buf;

        Body(FrameType type, ByteBuf buf) {
            this.type = type;
            this.buf = buf;
        }

        int int32(String field) {
            need(4, field, "int32");
            return buf.readInt();
        }

        long int64(String field) {
            need(8, field, "int64");
            return buf.readLong();
        }

        /** Bytes per second, 0 meaning none: never negative. */
        long rate(String field) {
            long v = int64(field);
            if (v < 0) throw new FrameCodecException("field " + field + " is a negative rate (" + v + " bytes per second)");
            return v;
        }

        boolean bool(String field) {
            need(1, field, "boolean");
            int v = buf.readUnsignedByte();
            if (v > 1) {
                throw new FrameCodecException("invalid " + type + " frame: " + field + " boolean byte is " + v + ", not 0 or 1");
            }
            return v == 1;
        }

        String string(String field) {
            need(2, field, "string length");
            int n = buf.readUnsignedShort();
            beyondEnd(n, field, "string length " + n);
            ByteBuffer bytes = buf.nioBuffer(buf.readerIndex(), n);
            String s;
            try {
                s = utf8.reset().decode(bytes).toString();
            } catch (CharacterCodingException e) {
                throw new FrameCodecException("invalid " + type + " frame: " + field + " is not valid UTF-8", e);
            }
            buf.skipBytes(n);
            return s;
        }

        byte[] bytes(String field) {
            int n = length(field, "byte length");
            beyondEnd(n, field, "byte length " + n);
            byte[] b = new byte[n];
            buf.readBytes(b);
            return b;
        }

        int[] ints(String field) {
            int n = length(field, "int count");
            beyondEnd(n * 4L, field, "int count " + n);
            int[] a = new int[n];
            for (int i = 0; i < n; i++) {
                a[i] = buf.readInt();
            }
            return a;
        }

        List<Frame.PeerAddress> peers(String field) {
            int n = length(field, "peer count");
            // Smallest peer: two empty strings and a port.
            beyondEnd(n * 8L, field, "peer count " + n);
            List<Frame.PeerAddress> peers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String p = field + "[" + i + "].";
                peers.add(new Frame.PeerAddress(string(p + "nodeId"), string(p + "host"), int32(p + "port")));
            }
            return List.copyOf(peers);
        }

        private int length(String field, String what) {
            int n = int32(field);
            if (n < 0) {
                throw new FrameCodecException("invalid " + type + " frame: negative " + field + " " + what + " " + n);
            }
            return n;
        }

        private void need(int n, String field, String what) {
            if (buf.readableBytes() < n) {
                throw new FrameCodecException("truncated " + type + " frame: " + field + " " + what
                        + " needs " + n + " bytes, " + buf.readableBytes() + " left");
            }
        }

        private void beyondEnd(long n, String field, String what) {
            if (n > buf.readableBytes()) {
                throw new FrameCodecException("truncated " + type + " frame: " + field + " " + what
                        + " beyond frame end (" + buf.readableBytes() + " bytes left)");
            }
        }
    }
}
