package io.darner.engine.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

import java.util.List;

/**
 * Every message of the Darner wire protocol. On the wire a frame is
 * {@code [int32 length][uint8 type][body]} where length counts type and body.
 * Strings are {@code [uint16 length][UTF-8]}, byte arrays {@code [int32 length][bytes]}.
 *
 * <p>Control frames travel between a node and its supernode; data frames between peers.
 */
public sealed interface Frame {

    /** Protocol version sent in {@link Challenge}, {@link Register} and {@link Handshake}. */
    int PROTOCOL_VERSION = 2;

    FrameType type();

    // ---------------------------------------------------------------- control: supernode -> node

    /** First frame a supernode sends on a new control connection; the node answers with {@link Register}. */
    record Challenge(int protocolVersion, String supernodeId, byte[] nonce) implements Frame {
        public FrameType type() { return FrameType.CHALLENGE; }
    }

    /** The supernode accepted the node. */
    record Registered(String supernodeId, long heartbeatMillis) implements Frame {
        public FrameType type() { return FrameType.REGISTERED; }
    }

    /** Fetch a content and export it to {@code targetPath} (empty: keep it in the piece store only). */
    record TaskCommand(String taskId, String source, String expectedDigest, String targetPath,
                       long taskRate, String rateGroup, long groupRate) implements Frame {
        public FrameType type() { return FrameType.TASK_COMMAND; }
    }

    /** Manifest header and the task-scoped token that peers must present to each other. */
    record TaskInfo(String taskId, byte[] token, long size, int pieceSize, int pieceCount) implements Frame {
        public FrameType type() { return FrameType.TASK_INFO; }
    }

    /** SHA-256 of pieces {@code firstIndex .. firstIndex + hashes.length/32 - 1}, concatenated. */
    record PieceHashes(String taskId, int firstIndex, byte[] hashes) implements Frame {
        public FrameType type() { return FrameType.PIECE_HASHES; }
    }

    /** The seed has read the whole source: {@code contentId} is the SHA-256 of the file, hex. */
    record ContentReady(String taskId, String contentId) implements Frame {
        public FrameType type() { return FrameType.CONTENT_READY; }
    }

    /** Parents to download from (added to those the node already has). */
    record PeerList(String taskId, List<PeerAddress> peers) implements Frame {
        public FrameType type() { return FrameType.PEER_LIST; }
    }

    /**
     * Stop downloading this task from {@code peerNodeId} (the scheduler gave the node another
     * parent in its place); pieces requested from it are asked of the other parents.
     */
    record DropPeer(String taskId, String peerNodeId) implements Frame {
        public FrameType type() { return FrameType.DROP_PEER; }
    }

    /** The task failed for every node (source error, digest mismatch); nodes stop and write nothing. */
    record TaskFailed(String taskId, String reason) implements Frame {
        public FrameType type() { return FrameType.TASK_FAILED; }
    }

    /** Stop working on a task (either direction). */
    record CancelTask(String taskId, String reason) implements Frame {
        public FrameType type() { return FrameType.CANCEL_TASK; }
    }

    // ---------------------------------------------------------------- control: node -> supernode

    /** Answer to {@link Challenge}: {@code proof} = HMAC-SHA256(cluster secret, nonce || nodeId). */
    record Register(int protocolVersion, String nodeId, String room, String dataHost, int dataPort,
                    long uploadBytesPerSecond, long downloadBytesPerSecond, byte[] proof) implements Frame {
        public FrameType type() { return FrameType.REGISTER; }
    }

    record Heartbeat(long sentAtMillis) implements Frame {
        public FrameType type() { return FrameType.HEARTBEAT; }
    }

    /** A node asks to join the swarm of a source (node-initiated download). */
    record JoinTask(String taskId, String source, String expectedDigest) implements Frame {
        public FrameType type() { return FrameType.JOIN_TASK; }
    }

    /** Pieces the node verified since its last report. */
    record Progress(String taskId, long bytesVerified, int[] newPieces) implements Frame {
        public FrameType type() { return FrameType.PROGRESS; }
    }

    /** Final outcome on one node. */
    record Result(String taskId, boolean success, String contentId, String message, boolean fromSource) implements Frame {
        public FrameType type() { return FrameType.RESULT; }
    }

    /** A parent misbehaved (bad piece, stall, refused token); the scheduler replaces it. */
    record PeerReport(String taskId, String peerNodeId, String reason) implements Frame {
        public FrameType type() { return FrameType.PEER_REPORT; }
    }

    // ---------------------------------------------------------------- both planes

    /** Sent before a connection is closed on purpose. */
    record Goodbye(String reason) implements Frame {
        public FrameType type() { return FrameType.GOODBYE; }
    }

    // ---------------------------------------------------------------- data: peer <-> peer

    /** First frame on a data connection, from the downloader (child) to the uploader (parent). */
    record Handshake(int protocolVersion, String taskId, byte[] token, String nodeId) implements Frame {
        public FrameType type() { return FrameType.HANDSHAKE; }
    }

    /** Pieces the sender holds, bit i = piece i, most significant bit first in each byte. */
    record Bitfield(int pieceCount, byte[] bits) implements Frame {
        public FrameType type() { return FrameType.BITFIELD; }
    }

    /** The sender now holds these pieces (announcements are batched to save frames). */
    record Have(int[] indexes) implements Frame {
        public static Have of(int index) {
            return new Have(new int[] {index});
        }

        public FrameType type() { return FrameType.HAVE; }
    }

    /**
     * Asks for a piece. {@code holders} is how many of the requester's parents hold it: the
     * uploader serves requests for scarcer pieces first, so new pieces spread in few hops.
     */
    record Request(int index, int holders) implements Frame {
        public FrameType type() { return FrameType.REQUEST; }
    }

    /** To a seed: send any piece below {@code knownPieces} that the sender lacks, distinct pieces first. */
    record RequestAny(int knownPieces) implements Frame {
        public FrameType type() { return FrameType.REQUEST_ANY; }
    }

    record Cancel(int index) implements Frame {
        public FrameType type() { return FrameType.CANCEL; }
    }

    /** The uploader will not serve this request; index -1 answers a {@link RequestAny}. */
    record Reject(int index, String reason) implements Frame {
        public FrameType type() { return FrameType.REJECT; }
    }

    /**
     * Piece bytes. The body is {@code [int32 index][data]}; data runs to the end of the frame.
     * {@code data} is reference counted: whoever receives a Piece releases it.
     */
    record Piece(int index, ByteBuf data) implements Frame, ReferenceCounted {
        public Piece {
            java.util.Objects.requireNonNull(data, "data");
        }
        public FrameType type() { return FrameType.PIECE; }
        @Override public int refCnt() { return data.refCnt(); }
        @Override public Piece retain() { data.retain(); return this; }
        @Override public Piece retain(int increment) { data.retain(increment); return this; }
        @Override public Piece touch() { data.touch(); return this; }
        @Override public Piece touch(Object hint) { data.touch(hint); return this; }
        @Override public boolean release() { return data.release(); }
        @Override public boolean release(int decrement) { return data.release(decrement); }
    }

    /** A peer as the scheduler hands it out. */
    record PeerAddress(String nodeId, String host, int port) {}
}
