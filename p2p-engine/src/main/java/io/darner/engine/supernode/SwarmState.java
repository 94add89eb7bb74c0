package io.darner.engine.supernode;

import io.darner.engine.protocol.Frame;
import io.netty.channel.Channel;

import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The scheduler's state. Only the scheduler loop reads or writes it. */
final class SwarmState {
    final Map<String, NodeEntry> nodes = new LinkedHashMap<>();
    final Map<String, TaskEntry> tasks = new LinkedHashMap<>();

    static final class NodeEntry {
        final String id;
        final String room;
        final String dataHost;
        final int dataPort;
        final long uploadRate;
        final long downloadRate;
        final Channel control;
        long lastSeenMillis;

        NodeEntry(Frame.Register r, Channel control, long now) {
            this.id = r.nodeId();
            this.room = r.room();
            this.dataHost = r.dataHost();
            this.dataPort = r.dataPort();
            this.uploadRate = r.uploadBytesPerSecond();
            this.downloadRate = r.downloadBytesPerSecond();
            this.control = control;
            this.lastSeenMillis = now;
        }

        Frame.PeerAddress address() {
            return new Frame.PeerAddress(id, dataHost, dataPort);
        }

        void send(Frame f) {
            if (control.isActive()) control.writeAndFlush(f, control.voidPromise());
        }
    }

    static final class TaskEntry {
        final String id;
        final String source;
        final String expectedDigest;
        final byte[] token;
        long size = -1;
        int pieceSize;
        int pieceCount;
        byte[] hashes = new byte[0];
        int knownHashes;
        String contentId;
        String failure;
        final Map<String, Member> members = new LinkedHashMap<>();
        final Set<String> banned = new HashSet<>();
        SwarmTask submitted;
        int seedChildren;

        TaskEntry(String id, String source, String expectedDigest, byte[] token) {
            this.id = id;
            this.source = source;
            this.expectedDigest = expectedDigest;
            this.token = token;
        }

        boolean headerKnown() {
            return size >= 0;
        }
    }

    static final class Member {
        final String nodeId;
        final BitSet pieces = new BitSet();
        long verifiedBytes;
        final Set<String> parents = new HashSet<>();
        int children;
        boolean seedParent;
        boolean done;
        boolean infoSent;
        Frame.Result result;

        Member(String nodeId) {
            this.nodeId = nodeId;
        }
    }
}
