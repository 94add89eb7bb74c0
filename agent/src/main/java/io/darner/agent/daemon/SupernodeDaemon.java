package io.darner.agent.daemon;

import io.darner.engine.net.Transport;
import io.darner.engine.supernode.Supernode;
import io.darner.engine.supernode.SupernodeConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Scheduler + seed of one room as a daemon, with its admin HTTP endpoint: GET /healthz,
 * GET /metrics, GET /api/nodes, GET /api/tasks (the tasks and each member node's progress and
 * outcome), POST /api/tasks (distribute a source to registered nodes, see {@link TaskEndpoint})
 * and POST /api/tasks/cancel.
 */
public final class SupernodeDaemon implements AutoCloseable {
    private static final long QUERY_TIMEOUT_MS = 2_000;

    private final Transport transport;
    private final Supernode supernode;
    private final Metrics metrics = new Metrics();
    private final SmallHttpServer admin;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SupernodeDaemon(SupernodeConfig config, InetSocketAddress adminAddress, Transport transport) throws IOException {
        this.transport = transport;
        this.supernode = Supernode.start(config, transport);
        try {
            this.admin = SmallHttpServer.start(adminAddress, "admin");
        } catch (IOException | RuntimeException e) {
            supernode.close();
            throw e;
        }
        registerMeters(metrics.registry());
        metrics.serveOn(admin);
        admin.route("GET", "/healthz", ex -> SmallHttpServer.text(ex, 200, "text/plain", "ok"));
        admin.route("GET", "/api/nodes", ex -> SmallHttpServer.json(ex, 200, Map.of("supernode", supernode.id(), "nodes", nodeIds())));
        TaskEndpoint tasks = new TaskEndpoint(supernode, this::nodeIds);
        admin.route("GET", "/api/tasks", ex -> SmallHttpServer.json(ex, 200, Map.of("supernode", supernode.id(), "tasks", tasks.list())));
        admin.route("POST", "/api/tasks", tasks);
        admin.route("POST", "/api/tasks/cancel", tasks::cancel);
    }

    /** @throws IOException when a port is taken or the data directory is unusable */
    public static SupernodeDaemon start(SupernodeConfig config, InetSocketAddress adminAddress) throws IOException {
        return start(config, adminAddress, null);
    }

    /** @param tcpCongestion see {@link Transport#create(int, String)} (null: Darner's default) */
    public static SupernodeDaemon start(SupernodeConfig config, InetSocketAddress adminAddress, String tcpCongestion) throws IOException {
        Transport transport = Transport.create(0, tcpCongestion);
        try {
            return new SupernodeDaemon(config, adminAddress, transport);
        } catch (IOException | RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    public Supernode supernode() {
        return supernode;
    }

    public InetSocketAddress adminAddress() {
        return admin.address();
    }

    private List<String> nodeIds() {
        return ask(supernode.nodeIds(), "its nodes");
    }

    /** Waits (bounded) for an answer of the scheduler thread. */
    static <T> T ask(CompletableFuture<T> query, String what) {
        try {
            return query.get(QUERY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the scheduler for " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the scheduler did not list " + what + ": " + e, e);
        }
    }

    private void registerMeters(MeterRegistry r) {
        Gauge.builder("darner.supernode.nodes", this, d -> d.nodeIds().size())
                .description("Nodes registered with this supernode now").register(r);
        FunctionCounter.builder("darner.seed.uploaded", supernode, Supernode::seedUploadedBytes).baseUnit("bytes")
                .description("Piece bytes the seed uploaded to nodes").register(r);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        admin.close();
        supernode.close();
        metrics.close();
        transport.close();
    }
}
