package io.darner.engine.supernode;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A supernode: its id and room, where the seed keeps pieces, the control address nodes join
 * and the address the seed serves pieces on (port 0: any), the cluster secret, the seed's
 * upload cap toward nodes (0 = none; protects the origin's room link), the heartbeat nodes
 * must keep, the parents per node and how many nodes of a task may pull from the seed.
 */
public record SupernodeConfig(String id, String room, Path dataDir, InetSocketAddress listen,
                              InetSocketAddress seedListen, byte[] secret, long seedUploadBytesPerSecond,
                              Duration heartbeat, int maxParents, int seedFanout) {
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(2);
    public static final int DEFAULT_MAX_PARENTS = 16;
    public static final int DEFAULT_SEED_FANOUT = 64;

    public SupernodeConfig {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("supernode id is empty");
        if (maxParents < 1) throw new IllegalArgumentException("maxParents must be >= 1, got " + maxParents);
        if (seedFanout < 1) throw new IllegalArgumentException("seedFanout must be >= 1, got " + seedFanout);
        if (heartbeat == null) heartbeat = DEFAULT_HEARTBEAT;
    }

    public static SupernodeConfig of(String id, String room, Path dataDir, InetSocketAddress listen, byte[] secret) {
        return new SupernodeConfig(id, room, dataDir, listen, new InetSocketAddress(listen.getAddress(), 0), secret, 0,
                DEFAULT_HEARTBEAT, DEFAULT_MAX_PARENTS, DEFAULT_SEED_FANOUT);
    }
}
