package io.darner.engine.peer;

import io.darner.engine.api.PeerConfig;
import io.darner.engine.api.RateLimits;
import io.darner.engine.api.TaskHandle;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.net.Transport;
import io.darner.engine.protocol.Frame;
import io.darner.engine.rate.Pacer;
import io.darner.engine.rate.Pacers;
import io.darner.engine.rate.TokenBucket;
import io.darner.engine.store.CacheGc;
import io.darner.engine.store.PieceStore;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A node of the swarm: its piece store, the upload service other peers download from, the
 * control connection to its supernodes, and the tasks it runs.
 *
 * <pre>{@code
 * PeerNode node = PeerNode.start(config, transport);
 * TaskHandle h = node.download(TaskSpec.of("http://origin/app.tar", null, Path.of("/opt/app.tar")));
 * TaskResult r = h.result().join();
 * }</pre>
 */
public final class PeerNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerNode.class);

    private final PeerConfig config;
    private final Transport transport;
    private final PieceStore store;
    private final UploadService upload;
    private final ControlClient control;
    private final ExecutorService blocking;
    private final Map<String, TaskRun> runs = new ConcurrentHashMap<>();
    private final Pacer uploadPacer;
    private final Pacer downloadPacer;
    private final Map<String, Pacer> taskPacers = new ConcurrentHashMap<>();
    private final Map<String, RateLimits> taskLimits = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> groupPacers = new ConcurrentHashMap<>();
    private final UnaryOperator<Path> targetCheck;
    /** Null when the piece store is never collected. */
    private final CacheGc gc;
    private ScheduledFuture<?> gcTimer;

    /** How often the piece store is collected (also after every task). */
    static final long GC_INTERVAL_MILLIS = 60_000;

    private PeerNode(PeerConfig config, Transport transport, UnaryOperator<Path> targetCheck) throws IOException {
        this.config = config;
        this.targetCheck = targetCheck;
        this.transport = transport;
        this.store = PieceStore.open(config.dataDir());
        this.uploadPacer = config.uploadBytesPerSecond() > 0 ? new TokenBucket(config.uploadBytesPerSecond(), 64 * 1024) : Pacer.UNLIMITED;
        this.downloadPacer = config.downloadBytesPerSecond() > 0 ? new TokenBucket(config.downloadBytesPerSecond(), 64 * 1024) : Pacer.UNLIMITED;
        this.upload = UploadService.start(config.nodeId(), transport, config.listen(), taskId -> uploadPacer);
        this.blocking = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "darner-io-" + config.nodeId());
            t.setDaemon(true);
            return t;
        });
        this.control = new ControlClient(this, transport.nextLoop());
        this.gc = config.cache() == null ? null : new CacheGc(store, config.cache(), CacheGc.Disk.of(store.root()));
        store.onEvict(upload::withdrawContent);
    }

    /** Runs the cache GC now, off the caller's thread (no-op without a cache policy). */
    void collectGarbage() {
        if (gc == null) return;
        try {
            blocking.execute(() -> {
                try {
                    gc.collect();
                } catch (IOException | RuntimeException e) {
                    log.warn("node {}: cache GC of {} failed: {}", config.nodeId(), store.root(), e.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the node is shutting down
        }
    }

    /** Starts the node and begins registering with its supernodes (see {@link #registration()}). */
    public static PeerNode start(PeerConfig config, Transport transport) throws IOException {
        return start(config, transport, UnaryOperator.identity());
    }

    /**
     * As {@link #start(PeerConfig, Transport)}, with a check of the target paths that task
     * commands from a supernode name: it returns the path to write, or throws
     * {@link IllegalArgumentException} saying why the target is refused (the supernode hears that reason).
     */
    public static PeerNode start(PeerConfig config, Transport transport, UnaryOperator<Path> targetCheck) throws IOException {
        PeerNode node = new PeerNode(config, transport, targetCheck);
        node.control.start();
        if (node.gc != null) {
            node.gcTimer = transport.nextLoop().scheduleAtFixedRate(node::collectGarbage, 0, GC_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        }
        return node;
    }

    /** Completes when the node is first registered with a supernode; fails when refused. */
    public CompletableFuture<Void> registration() {
        return control.registration();
    }

    /**
     * Starts (or joins) a task on this node. A task still running for the same source, even one
     * finishing from the source or writing its target, is returned as is: a second run would
     * share its piece store entry and its temporary target file.
     */
    public TaskHandle download(TaskSpec spec) {
        String id = spec.taskId();
        limit(id, spec.limits().onNodes());
        TaskRun[] fresh = new TaskRun[1];
        TaskRun run = runs.compute(id, (k, old) -> old != null && !old.result().isDone() ? old
                : (fresh[0] = new TaskRun(this, spec, transport.nextLoop())));
        if (fresh[0] != null) fresh[0].start();
        return run;
    }

    /** The task with this id on this node, running or ended, if the node has seen it. */
    public java.util.Optional<TaskHandle> task(String taskId) {
        return java.util.Optional.ofNullable(runs.get(taskId));
    }

    /** Where this node serves pieces to peers. */
    public java.net.InetSocketAddress dataAddress() {
        return upload.address();
    }

    public String nodeId() {
        return config.nodeId();
    }

    public Path dataDir() {
        return store.root();
    }

    public long uploadedBytes() {
        return upload.uploadedBytes();
    }

    /** Bytes the cache GC dropped from the piece store since the node started. */
    public long cacheEvictedBytes() {
        return gc == null ? 0 : gc.freedBytes();
    }

    PeerConfig config() { return config; }
    Transport transport() { return transport; }
    PieceStore store() { return store; }
    UploadService upload() { return upload; }
    ControlClient control() { return control; }
    ExecutorService blocking() { return blocking; }

    /** The limits the task brought to this node ({@link RateLimits#NONE} if none, or if the node has not seen it). */
    public RateLimits limits(String taskId) {
        return taskLimits.getOrDefault(taskId, RateLimits.NONE);
    }

    /** The node's download cap, stacked with the task's group cap and the task's own cap, if any. */
    Pacer downloadPacer(String taskId) {
        return taskPacers.getOrDefault(taskId, downloadPacer);
    }

    /**
     * Sets the limits a task carries: a bucket of its own, and the bucket its group shares with
     * the group's other tasks on this node (the latest rate a task of the group brings wins).
     */
    private void limit(String taskId, RateLimits limits) {
        if (limits.isNone()) {
            taskPacers.remove(taskId);
            taskLimits.remove(taskId);
            return;
        }
        taskLimits.put(taskId, limits);
        Pacer group = Pacer.UNLIMITED;
        if (limits.groupBytesPerSecond() > 0) {
            TokenBucket b = groupPacers.computeIfAbsent(limits.group(), g -> new TokenBucket(limits.groupBytesPerSecond(), 64 * 1024));
            if (b.rate() != limits.groupBytesPerSecond()) b.setRate(limits.groupBytesPerSecond());
            group = b;
        }
        Pacer task = limits.taskBytesPerSecond() > 0 ? new TokenBucket(limits.taskBytesPerSecond(), 64 * 1024) : Pacer.UNLIMITED;
        taskPacers.put(taskId, Pacers.stack(downloadPacer, group, task));
    }

    void finished(TaskRun run) {
        // the run stays registered so its pieces keep being served; a new download of the same task replaces it
        collectGarbage();
    }

    void rejoinAll() {
        for (TaskRun run : runs.values()) run.join();
    }

    /** Frames from the supernode, routed to their task. */
    void onControlFrame(Frame frame) {
        if (frame instanceof Frame.TaskCommand c) {
            onCommand(c);
        } else if (frame instanceof Frame.TaskInfo i) {
            withRun(i.taskId(), r -> r.onTaskInfo(i));
        } else if (frame instanceof Frame.PieceHashes h) {
            withRun(h.taskId(), r -> r.onPieceHashes(h));
        } else if (frame instanceof Frame.ContentReady c) {
            withRun(c.taskId(), r -> r.onContentReady(c));
        } else if (frame instanceof Frame.PeerList p) {
            withRun(p.taskId(), r -> r.onPeerList(p));
        } else if (frame instanceof Frame.DropPeer d) {
            withRun(d.taskId(), r -> r.onDropPeer(d.peerNodeId()));
        } else if (frame instanceof Frame.TaskFailed f) {
            withRun(f.taskId(), r -> r.onTaskFailed(f.reason()));
        } else if (frame instanceof Frame.CancelTask c) {
            withRun(c.taskId(), r -> r.cancel(c.reason()));
        } else if (!(frame instanceof Frame.Heartbeat)) {
            log.debug("node {}: ignoring {} from supernode", config.nodeId(), frame.type());
        }
    }

    private void onCommand(Frame.TaskCommand c) {
        try {
            Path target = c.targetPath().isEmpty() ? null : targetCheck.apply(Path.of(c.targetPath()));
            download(TaskSpec.of(c.source(), c.expectedDigest(), target)
                    .withLimits(new RateLimits(c.taskRate(), c.rateGroup(), c.groupRate())));
        } catch (IllegalArgumentException e) {
            log.warn("node {}: refused task {} from the supernode: {}", config.nodeId(), c.taskId(), e.getMessage());
            control.send(new Frame.Result(c.taskId(), false, "", "refused task: " + e.getMessage(), false));
        }
    }

    private void withRun(String taskId, java.util.function.Consumer<TaskRun> action) {
        TaskRun run = runs.get(taskId);
        if (run != null) run.loop().execute(() -> action.accept(run));
    }

    @Override
    public void close() {
        for (TaskRun run : runs.values()) {
            if (run.isActive()) run.cancel("node shutting down");
        }
        if (gcTimer != null) gcTimer.cancel(false);
        control.close();
        upload.close();
        blocking.shutdown();
    }
}
