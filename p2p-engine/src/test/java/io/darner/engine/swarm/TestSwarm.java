package io.darner.engine.swarm;

import io.darner.engine.api.PeerConfig;
import io.darner.engine.manifest.Sha256;
import io.darner.engine.net.Transport;
import io.darner.engine.peer.PeerNode;
import io.darner.engine.supernode.Supernode;
import io.darner.engine.supernode.SupernodeConfig;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A real supernode and real peers on loopback sockets, in this JVM. */
final class TestSwarm implements AutoCloseable {
    static final byte[] SECRET = "test-cluster-secret".getBytes();

    final Transport transport = Transport.create(2);
    final Path dir;
    final Supernode supernode;
    final List<PeerNode> nodes = new ArrayList<>();

    TestSwarm(Path dir, long seedUploadBytesPerSecond) throws IOException {
        this.dir = dir;
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        this.supernode = Supernode.start(new SupernodeConfig("sn", "room-1", dir.resolve("supernode"), any, any, SECRET,
                seedUploadBytesPerSecond, Duration.ofSeconds(2), 16, 64), transport);
    }

    PeerNode addNode(String id) throws Exception {
        return addNode(id, 0, SECRET);
    }

    PeerNode addNode(String id, long downloadBytesPerSecond, byte[] secret) throws Exception {
        PeerNode n = startNode(id, downloadBytesPerSecond, secret);
        n.registration().get(10, TimeUnit.SECONDS);
        nodes.add(n);
        return n;
    }

    PeerNode startNode(String id, long downloadBytesPerSecond, byte[] secret) throws IOException {
        PeerConfig pc = new PeerConfig(id, "room-1", dir.resolve(id), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                List.of(supernode.controlAddress()), secret, 0, downloadBytesPerSecond, 0, null);
        return PeerNode.start(pc, transport);
    }

    void addNodes(int count) throws Exception {
        for (int i = 0; i < count; i++) addNode("node-" + i);
    }

    static Path randomFile(Path file, int size, long seed) throws IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        Files.createDirectories(file.getParent());
        return Files.write(file, b);
    }

    static String sha256(Path file) throws IOException {
        return Sha256.hex(Sha256.of(Files.readAllBytes(file)));
    }

    static <T> List<T> joinAll(List<CompletableFuture<T>> futures) throws Exception {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        return futures.stream().map(CompletableFuture::join).toList();
    }

    @Override
    public void close() {
        for (PeerNode n : nodes) n.close();
        supernode.close();
        transport.close();
    }
}
