package io.darner.engine.supernode;

import io.darner.engine.api.RateLimits;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.net.Transport;
import io.darner.engine.peer.UploadService;
import io.darner.engine.rate.Pacer;
import io.darner.engine.rate.Pacers;
import io.darner.engine.rate.TokenBucket;
import io.darner.engine.store.PieceStore;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Scheduler + seed for one room. Nodes join on the control address; the seed serves pieces
 * on its own address, which the scheduler hands to nodes as a parent.
 *
 * <pre>{@code
 * Supernode sn = Supernode.start(SupernodeConfig.of("sn1", "room-a", dir, addr, secret), transport);
 * SwarmTask t = sn.submit(TaskSpec.of(url, null, null), Map.of("node-1", Path.of("/opt/app.tar"))).join();
 * t.outcomes().join();
 * }</pre>
 */
public final class Supernode implements AutoCloseable {
    private final SupernodeConfig config;
    private final Scheduler scheduler;
    private final UploadService seedUpload;
    private final Channel control;
    private final ExecutorService readers;
    private final Pacer seedPacer;
    /** Per task: the seed's own cap stacked with the origin cap its group shares (tasks with a group origin cap only). */
    private final Map<String, Pacer> seedTaskPacers = new ConcurrentHashMap<>();
    /** Per group with an origin cap: its bucket, and that bucket stacked on the seed's own cap (one instance: one upload lane). */
    private final Map<String, OriginGroup> originGroups = new ConcurrentHashMap<>();

    private record OriginGroup(TokenBucket bucket, Pacer pacer) {}

    private Supernode(SupernodeConfig config, Transport transport) throws IOException {
        this.config = config;
        PieceStore store = PieceStore.open(config.dataDir());
        this.seedPacer = config.seedUploadBytesPerSecond() > 0 ? new TokenBucket(config.seedUploadBytesPerSecond(), 64 * 1024) : Pacer.UNLIMITED;
        this.scheduler = new Scheduler(config);
        this.seedUpload = UploadService.start(scheduler.seedId(), transport, config.seedListen(), taskId -> seedTaskPacers.getOrDefault(taskId, seedPacer));
        this.readers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "darner-seed-" + config.id());
            t.setDaemon(true);
            return t;
        });
        scheduler.attach(new Seed(store, seedUpload, readers, scheduler), seedUpload.address());
        this.control = transport.listen(config.listen(), () -> new ChannelHandler[] {new ControlHandler(scheduler, config.id())})
                .syncUninterruptibly().channel();
    }

    public static Supernode start(SupernodeConfig config, Transport transport) throws IOException {
        return new Supernode(config, transport);
    }

    public String id() {
        return config.id();
    }

    public InetSocketAddress controlAddress() {
        return (InetSocketAddress) control.localAddress();
    }

    public InetSocketAddress seedAddress() {
        return seedUpload.address();
    }

    /**
     * Distributes {@code spec} to the given nodes, each exporting to its own target path
     * (null: keep in the piece store). The nodes must be registered with this supernode.
     */
    public CompletableFuture<SwarmTask> submit(TaskSpec spec, Map<String, Path> targets) {
        limitOrigin(spec.taskId(), spec.limits());
        return scheduler.submit(spec, targets);
    }

    public void cancel(String taskId, String reason) {
        scheduler.cancel(taskId, reason);
    }

    /** Ids of the nodes registered now. */
    public CompletableFuture<List<String>> nodeIds() {
        return scheduler.nodeIds();
    }

    /** A snapshot of the tasks this supernode knows, oldest first. */
    public CompletableFuture<List<TaskStatus>> tasks() {
        return scheduler.tasks();
    }

    /** Piece bytes the seed uploaded to nodes (origin egress toward the swarm). */
    public long seedUploadedBytes() {
        return seedUpload.uploadedBytes();
    }

    /** Piece bytes of one task the seed uploaded to nodes. */
    public long seedUploadedBytes(String taskId) {
        return seedUpload.uploadedBytes(taskId);
    }

    /** The origin cap (bytes per second) the tasks of {@code group} share on the seed; 0: none. */
    public long originRate(String group) {
        OriginGroup g = originGroups.get(group);
        return g == null ? 0 : g.bucket().rate();
    }

    /**
     * The seed's uploads of a task whose group has an origin cap pass the group's bucket, shared
     * by the group's tasks (the latest rate a task of the group brings wins); a task without
     * one is paced by the seed's own cap only.
     */
    private void limitOrigin(String taskId, RateLimits limits) {
        if (limits.originBytesPerSecond() == 0) {
            seedTaskPacers.remove(taskId);
            return;
        }
        OriginGroup group = originGroups.computeIfAbsent(limits.group(), g -> {
            TokenBucket bucket = new TokenBucket(limits.originBytesPerSecond(), 64 * 1024);
            return new OriginGroup(bucket, Pacers.stack(seedPacer, bucket));
        });
        if (group.bucket().rate() != limits.originBytesPerSecond()) group.bucket().setRate(limits.originBytesPerSecond());
        seedTaskPacers.put(taskId, group.pacer());
    }

    @Override
    public void close() {
        control.close().syncUninterruptibly();
        seedUpload.close();
        scheduler.close();
        readers.shutdownNow();
    }
}
