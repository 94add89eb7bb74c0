package io.darner.agent.daemon;

import io.darner.engine.api.PeerConfig;
import io.darner.engine.api.TaskResult;
import io.darner.engine.net.Transport;
import io.darner.engine.peer.PeerNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The node daemon: a {@link PeerNode} joined to its room's supernodes, and the control HTTP
 * endpoint (GET /healthz, GET /readyz, GET /metrics, POST /api/v1/get) that {@code darner get} uses.
 */
public final class AgentDaemon implements AutoCloseable {
    /** How long a stop waits for running API downloads before cancelling them. */
    static final Duration STOP_GRACE = Duration.ofSeconds(20);

    /**
     * {@code sourceFallback}: with no supernode reachable, tasks go straight to the source (after
     * {@link PeerConfig#sourceFallbackAfter()}); when false they fail instead. {@code ioThreads}:
     * event loops moving this node's bytes; 0: {@link #defaultIoThreads()}. {@code tcpCongestion}: see
     * {@link Transport#create(int, String)} (null: Darner's default).
     */
    public record Settings(PeerConfig peer, InetSocketAddress control, List<Path> allowDirs, boolean sourceFallback, int ioThreads,
                           String tcpCongestion) {
        public Settings {
            allowDirs = List.copyOf(allowDirs);
            if (ioThreads < 0) throw new IllegalArgumentException("ioThreads must be 0 (default) or more, not " + ioThreads);
            if (ioThreads == 0) ioThreads = defaultIoThreads();
        }

        public Settings(PeerConfig peer, InetSocketAddress control, List<Path> allowDirs, boolean sourceFallback) {
            this(peer, control, allowDirs, sourceFallback, 0, null);
        }
    }

    /**
     * Half the cores, at least one: an agent shares its host with the workloads it delivers to,
     * and one event loop receives, hashes, stores and serves several hundred MB/s. On a host
     * crowded with agents (the kernel benchmark's 16 on 2 cores) fewer loops also means fewer
     * wake-ups and thread switches for the same bytes (docs/benchmarks.md).
     */
    public static int defaultIoThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    private final Settings settings;
    private final Transport transport;
    private final PeerNode node;
    private final Metrics metrics = new Metrics();
    private final GetEndpoint get;
    private final SmallHttpServer server;
    private final AtomicBoolean closed = new AtomicBoolean();

    private AgentDaemon(Settings settings, AllowedDirs allowed, Transport transport) throws IOException {
        this.settings = settings;
        this.transport = transport;
        this.node = PeerNode.start(settings.sourceFallback() ? settings.peer() : settings.peer().withoutSourceFallback(), transport,
                target -> checkCommandTarget(allowed, target));
        try {
            this.get = new GetEndpoint(node, allowed, this::count);
            this.server = SmallHttpServer.start(settings.control(), "control");
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        registerMeters(metrics.registry());
        metrics.serveOn(server);
        server.route("GET", "/healthz", ex -> SmallHttpServer.text(ex, 200, "text/plain", "ok"));
        server.route("GET", "/readyz", ex -> {
            // `darner get` fetches on its own while this agent has not joined a supernode yet
            boolean joined = isRegistered();
            SmallHttpServer.text(ex, joined ? 200 : 503, "text/plain", joined ? "ready" : "joining supernodes");
        });
        server.route("POST", "/api/v1/get", get);
    }

    /** Targets that a supernode's task command names obey --allow-dir like those of the control API. */
    private static Path checkCommandTarget(AllowedDirs allowed, Path target) {
        try {
            return allowed.check(target.toString());
        } catch (AllowedDirs.Refused e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Starts the node and the control endpoint; joining the supernodes goes on in the background
     * (see {@link #registration()}).
     *
     * @throws IOException when an allowed directory does not exist, a port is taken or the data directory is unusable
     */
    public static AgentDaemon start(Settings settings) throws IOException {
        AllowedDirs allowed = AllowedDirs.of(settings.allowDirs());
        Transport transport = Transport.create(settings.ioThreads(), settings.tcpCongestion());
        try {
            return new AgentDaemon(settings, allowed, transport);
        } catch (IOException | RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    /** Completes when first registered with a supernode; fails when a supernode refuses this node. */
    public CompletableFuture<Void> registration() {
        return node.registration();
    }

    public PeerNode node() {
        return node;
    }

    public Settings settings() {
        return settings;
    }

    public InetSocketAddress controlAddress() {
        return server.address();
    }

    private boolean isRegistered() {
        CompletableFuture<Void> r = node.registration();
        return r.isDone() && !r.isCompletedExceptionally();
    }

    private void registerMeters(MeterRegistry r) {
        Gauge.builder("darner.agent.registered", this, d -> d.isRegistered() ? 1 : 0)
                .description("1 once the node has registered with a supernode").register(r);
        Gauge.builder("darner.agent.active.requests", get, GetEndpoint::activeTasks)
                .description("Downloads started through the control API that are still running").register(r);
        FunctionCounter.builder("darner.agent.uploaded", node, PeerNode::uploadedBytes).baseUnit("bytes")
                .description("Piece bytes this node uploaded to peers").register(r);
        FunctionCounter.builder("darner.agent.cache.evicted", node, PeerNode::cacheEvictedBytes).baseUnit("bytes")
                .description("Bytes the cache GC dropped from the piece store").register(r);
    }

    private void count(TaskResult result) {
        MeterRegistry r = metrics.registry();
        Counter.builder("darner.agent.get.requests").tag("outcome", result.success() ? "success" : "failure")
                .description("Downloads requested through the control API, by outcome").register(r).increment();
        Counter.builder("darner.agent.received").baseUnit("bytes")
                .description("Piece bytes received for downloads requested through the control API")
                .register(r).increment(result.stats().receivedBytes());
    }

    /** Stops taking requests, lets running ones finish (bounded by {@link #STOP_GRACE}), then closes the node. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            get.stop().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // the node cancels what is left; their clients see the connection end
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
        server.close();
        node.close();
        metrics.close();
        transport.close();
    }
}
