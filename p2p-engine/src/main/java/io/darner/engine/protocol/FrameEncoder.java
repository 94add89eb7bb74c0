package io.darner.engine.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.List;

/**
 * Writes {@link Frame} records as {@code [int32 length][uint8 type][body]}.
 *
 * <p>A {@link Frame.Piece} becomes two buffers, a {@link #pieceHeader header} and the piece's own
 * data buffer: the bytes are never copied. The encoder takes over the piece's reference. Frames the
 * {@link FrameDecoder} would reject (over-long strings, negative indexes, oversize frames, nulls)
 * fail the write with a {@link FrameCodecException} as cause and nothing is written.
 */
@Sharable
public class FrameEncoder extends MessageToMessageEncoder<Frame> {

    private static final int INITIAL_CAPACITY = 256;

    private final int maxFrameBytes;

    public FrameEncoder() {
        this(Frames.DEFAULT_MAX_FRAME_BYTES);
    }

    /** @param maxFrameBytes largest value of the length field (type + body) this encoder emits */
    public FrameEncoder(int maxFrameBytes) {
        super(Frame.class);
        if (maxFrameBytes < Frames.MIN_FRAME_BYTES || maxFrameBytes > Integer.MAX_VALUE - Frames.LENGTH_FIELD_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes " + maxFrameBytes + " out of range");
        }
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * Writes {@code [int32 length][uint8 PIECE][int32 index]} for {@code dataLength} bytes of piece data
     * that the caller writes right after (a buffer or a {@code FileRegion}).
     */
    public static ByteBuf pieceHeader(ByteBufAllocator alloc, int index, int dataLength) {
        if (index < 0) {
            throw new FrameCodecException("invalid PIECE frame: index is negative (" + index + ")");
        }
        if (dataLength < 0 || dataLength > Integer.MAX_VALUE - 5) {
            throw new FrameCodecException("invalid PIECE frame: data length " + dataLength + " out of range");
        }
        ByteBuf header = alloc.buffer(Frames.PIECE_HEADER_BYTES, Frames.PIECE_HEADER_BYTES);
        header.writeInt(1 + 4 + dataLength);
        header.writeByte(FrameType.PIECE.code());
        header.writeInt(index);
        return header;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
        if (frame instanceof Frame.Piece piece) {
            encodePiece(ctx, piece, out);
            return;
        }
        int maxCapacity = Frames.LENGTH_FIELD_BYTES + maxFrameBytes;
        ByteBuf buf = ctx.alloc().buffer(Math.min(INITIAL_CAPACITY, maxCapacity), maxCapacity);
        try {
            buf.writeInt(0);
            buf.writeByte(frame.type().code());
            writeBody(new Body(frame.type(), buf), frame);
            FrameRules.check(frame);
            buf.setInt(0, buf.readableBytes() - Frames.LENGTH_FIELD_BYTES);
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
        out.add(buf);
    }

    private void encodePiece(ChannelHandlerContext ctx, Frame.Piece piece, List<Object> out) {
        FrameRules.check(piece);
        int dataLength = piece.data().readableBytes();
        if (1L + 4 + dataLength > maxFrameBytes) {
            throw new FrameCodecException("PIECE frame of " + (1L + 4 + dataLength)
                    + " bytes exceeds the limit of " + maxFrameBytes + " bytes");
        }
        out.add(pieceHeader(ctx.alloc(), piece.index(), dataLength));
        // The superclass releases the Piece after encode(); this reference travels with the write.
        out.add(piece.data().retain());
    }

    private static void writeBody(Body b, Frame frame) {
        if (frame instanceof Frame.Challenge f) {
            b.int32(f.protocolVersion()).string("supernodeId", f.supernodeId()).bytes("nonce", f.nonce());
        } else if (frame instanceof Frame.Registered f) {
            b.string("supernodeId", f.supernodeId()).int64(f.heartbeatMillis());
        } else if (frame instanceof Frame.TaskCommand f) {
            b.string("taskId", f.taskId()).string("source", f.source())
                    .string("expectedDigest", f.expectedDigest()).string("targetPath", f.targetPath())
                    .int64(f.taskRate()).string("rateGroup", f.rateGroup()).int64(f.groupRate());
        } else if (frame instanceof Frame.TaskInfo f) {
            b.string("taskId", f.taskId()).bytes("token", f.token()).int64(f.size())
                    .int32(f.pieceSize()).int32(f.pieceCount());
        } else if (frame instanceof Frame.PieceHashes f) {
            b.string("taskId", f.taskId()).int32(f.firstIndex()).bytes("hashes", f.hashes());
        } else if (frame instanceof Frame.ContentReady f) {
            b.string("taskId", f.taskId()).string("contentId", f.contentId());
        } else if (frame instanceof Frame.PeerList f) {
            b.string("taskId", f.taskId()).peers("peers", f.peers());
        } else if (frame instanceof Frame.DropPeer f) {
            b.string("taskId", f.taskId()).string("peerNodeId", f.peerNodeId());
        } else if (frame instanceof Frame.TaskFailed f) {
            b.string("taskId", f.taskId()).string("reason", f.reason());
        } else if (frame instanceof Frame.CancelTask f) {
            b.string("taskId", f.taskId()).string("reason", f.reason());
        } else if (frame instanceof Frame.Register f) {
            b.int32(f.protocolVersion()).string("nodeId", f.nodeId()).string("room", f.room())
                    .string("dataHost", f.dataHost()).int32(f.dataPort()).int64(f.uploadBytesPerSecond())
                    .int64(f.downloadBytesPerSecond()).bytes("proof", f.proof());
        } else if (frame instanceof Frame.Heartbeat f) {
            b.int64(f.sentAtMillis());
        } else if (frame instanceof Frame.JoinTask f) {
            b.string("taskId", f.taskId()).string("source", f.source()).string("expectedDigest", f.expectedDigest());
        } else if (frame instanceof Frame.Progress f) {
            b.string("taskId", f.taskId()).int64(f.bytesVerified()).ints("newPieces", f.newPieces());
        } else if (frame instanceof Frame.Result f) {
            b.string("taskId", f.taskId()).bool(f.success()).string("contentId", f.contentId())
                    .string("message", f.message()).bool(f.fromSource());
        } else if (frame instanceof Frame.PeerReport f) {
            b.string("taskId", f.taskId()).string("peerNodeId", f.peerNodeId()).string("reason", f.reason());
        } else if (frame instanceof Frame.Goodbye f) {
            b.string("reason", f.reason());
        } else if (frame instanceof Frame.Handshake f) {
            b.int32(f.protocolVersion()).string("taskId", f.taskId()).bytes("token", f.token())
                    .string("nodeId", f.nodeId());
        } else if (frame instanceof Frame.Bitfield f) {
            b.int32(f.pieceCount()).bytes("bits", f.bits());
        } else if (frame instanceof Frame.Have f) {
            b.ints("indexes", f.indexes());
        } else if (frame instanceof Frame.Request f) {
            b.int32(f.index()).int32(f.holders());
        } else if (frame instanceof Frame.RequestAny f) {
            b.int32(f.knownPieces());
        } else if (frame instanceof Frame.Cancel f) {
            b.int32(f.index());
        } else if (frame instanceof Frame.Reject f) {
            b.int32(f.index()).string("reason", f.reason());
        } else {
            throw new FrameCodecException("no encoding for frame " + frame.getClass().getName());
        }
    }

    /** Field writers; every variable-size write is checked against the frame limit before it happens. */
    private static final class Body {
        private final FrameType type;
        private final ByteBuf buf;

        Body(FrameType type, ByteBuf buf) {
            this.type = type;
            this.buf = buf;
        }

        Body int32(int v) {
            room(4, "int32");
            buf.writeInt(v);
            return this;
        }

        Body int64(long v) {
            room(8, "int64");
            buf.writeLong(v);
            return this;
        }

        Body bool(boolean v) {
            room(1, "boolean");
            buf.writeByte(v ? 1 : 0);
            return this;
        }

        Body string(String field, String s) {
            notNull(field, s);
            int n = ByteBufUtil.utf8Bytes(s);
            if (n > Frames.MAX_STRING_BYTES) {
                throw new FrameCodecException(type + "." + field + " is " + n + " UTF-8 bytes, the limit is "
                        + Frames.MAX_STRING_BYTES);
            }
            room(2L + n, field);
            buf.writeShort(n);
            ByteBufUtil.reserveAndWriteUtf8(buf, s, n);
            return this;
        }

        Body bytes(String field, byte[] b) {
            notNull(field, b);
            room(4L + b.length, field);
            buf.writeInt(b.length);
            buf.writeBytes(b);
            return this;
        }

        Body ints(String field, int[] a) {
            notNull(field, a);
            room(4L + 4L * a.length, field);
            buf.writeInt(a.length);
            for (int v : a) {
                buf.writeInt(v);
            }
            return this;
        }

        Body peers(String field, List<Frame.PeerAddress> peers) {
            notNull(field, peers);
            int32(peers.size());
            for (int i = 0; i < peers.size(); i++) {
                Frame.PeerAddress p = peers.get(i);
                String prefix = field + "[" + i + "]";
                notNull(prefix, p);
                string(prefix + ".nodeId", p.nodeId()).string(prefix + ".host", p.host()).int32(p.port());
            }
            return this;
        }

        private void notNull(String field, Object value) {
            if (value == null) {
                throw new FrameCodecException(type + "." + field + " is null");
            }
        }

        private void room(long n, String field) {
            if (n > buf.maxWritableBytes()) {
                throw new FrameCodecException(type + " frame exceeds the limit of "
                        + (buf.maxCapacity() - Frames.LENGTH_FIELD_BYTES) + " bytes at " + field);
            }
        }
    }
}
