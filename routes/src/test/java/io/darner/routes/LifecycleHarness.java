package io.darner.routes;

import io.darner.engine.api.PeerConfig;
import io.darner.engine.manifest.Sha256;
import io.darner.engine.net.Transport;
import io.darner.engine.peer.PeerNode;
import io.darner.engine.supernode.Supernode;
import io.darner.engine.supernode.SupernodeConfig;
import io.darner.processors.api.AuthApi;
import io.darner.processors.api.ClusterApi;
import io.darner.processors.api.FileVersionApi;
import io.darner.processors.api.RightsApi;
import io.darner.processors.api.SystemApi;
import io.darner.processors.api.TaskApi;
import io.darner.processors.engine.EmbeddedEngine;
import io.darner.processors.engine.Engine;
import io.darner.processors.lifecycle.ActiveTasks;
import io.darner.processors.lifecycle.AuditProcessor;
import io.darner.processors.lifecycle.AuthenticateProcessor;
import io.darner.processors.lifecycle.AuthorizeProcessor;
import io.darner.processors.lifecycle.FanOutProcessor;
import io.darner.processors.lifecycle.FileSources;
import io.darner.processors.lifecycle.Owners;
import io.darner.processors.lifecycle.ProgressSink;
import io.darner.processors.lifecycle.ReconcileProcessor;
import io.darner.processors.lifecycle.ResolveClusterProcessor;
import io.darner.processors.lifecycle.ScheduleProcessor;
import io.darner.processors.lifecycle.TrackProcessor;
import io.darner.processors.lifecycle.ValidateProcessor;
import io.darner.processors.lifecycle.VerifyProcessor;
import io.darner.processors.store.AuditStore;
import io.darner.processors.store.ClusterStore;
import io.darner.processors.store.Db;
import io.darner.processors.store.FileVersionStore;
import io.darner.processors.store.TaskStore;
import io.darner.processors.store.UserStore;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.spi.Resource;
import org.apache.camel.component.seda.SedaComponent;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The control plane as {@code ControlPlaneConfig} assembles it, without Spring: an H2 database in
 * memory migrated by Flyway, the stores and one processor per lifecycle step bound under the
 * names the YAML routes use, real supernodes (one per room) on loopback and real peers joining
 * them, the lifecycle YAML routes from {@code classpath:camel/*.yaml}, {@link ErrorRoutes} and
 * {@link ApiRoutes} with its REST DSL served by {@link InMemoryRest}.
 */
final class LifecycleHarness implements AutoCloseable {
    static final byte[] SECRET = "route-test-cluster-secret".getBytes();
    static final String ROOM = "default";

    /** What differs between tests: the rooms with a supernode and the two timeouts of the task settings. */
    record Options(List<String> rooms, Duration joinTimeout, Duration nodeTimeout) {
        static Options defaults() {
            return new Options(List.of(ROOM), Duration.ofSeconds(60), Duration.ofSeconds(30));
        }

        Options withRooms(String... rooms) {
            return new Options(List.of(rooms), joinTimeout, nodeTimeout);
        }

        Options withJoinTimeout(Duration d) {
            return new Options(rooms, d, nodeTimeout);
        }

        Options withNodeTimeout(Duration d) {
            return new Options(rooms, joinTimeout, d);
        }
    }

    final Options options;
    final Path dir;
    final JdbcDataSource dataSource;
    final Db db;
    final TaskStore tasks;
    final ClusterStore clusters;
    final FileVersionStore files;
    final UserStore users;
    final AuditStore audit;
    final Transport transport;
    final Map<String, Supernode> supernodes = new LinkedHashMap<>();
    final Engine engine;
    final ActiveTasks active = new ActiveTasks();
    final ProgressSink progress = new ProgressSink();
    final VerifyProcessor verify;
    final InMemoryRest rest = new InMemoryRest();
    final Map<String, PeerNode> peers = new LinkedHashMap<>();
    private boolean closed;

    LifecycleHarness(Options options) throws IOException {
        this.options = options;
        this.dir = Files.createTempDirectory("darner-routes-");
        this.dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        dataSource.setUser("sa");
        dataSource.setPassword("");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        this.db = new Db(dataSource);
        this.tasks = new TaskStore(db);
        this.clusters = new ClusterStore(db);
        this.files = new FileVersionStore(db);
        this.users = new UserStore(db);
        this.audit = new AuditStore(db);
        this.transport = Transport.create(2);
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        for (String room : options.rooms()) {
            supernodes.put(room, Supernode.start(new SupernodeConfig("sn-" + room, room, dir.resolve("supernode-" + room), any, any, SECRET, 0,
                    SupernodeConfig.DEFAULT_HEARTBEAT, SupernodeConfig.DEFAULT_MAX_PARENTS, SupernodeConfig.DEFAULT_SEED_FANOUT), transport));
        }
        this.engine = new EmbeddedEngine(supernodes);
        this.verify = new VerifyProcessor(tasks, active);
    }

    /** Binds every bean of ControlPlaneConfig under its bean name, and the REST component the API uses here. */
    void bind(CamelContext context) throws Exception {
        Registry r = context.getRegistry();
        r.bind("db", db);
        r.bind("taskStore", tasks);
        r.bind("clusterStore", clusters);
        r.bind("fileVersionStore", files);
        r.bind("userStore", users);
        r.bind("auditStore", audit);
        r.bind("engine", engine);
        r.bind("activeTasks", active);
        r.bind("progressSink", progress);
        r.bind("authenticateProcessor", new AuthenticateProcessor(users));
        r.bind("authorizeProcessor", new AuthorizeProcessor(audit, new Owners(tasks, clusters, files, users)));
        r.bind("validateProcessor", new ValidateProcessor(ROOM, new FileSources(List.of(dir.resolve("sources")))));
        r.bind("resolveClusterProcessor", new ResolveClusterProcessor(clusters, files, engine, new FileSources(List.of(dir.resolve("sources")))));
        r.bind("scheduleProcessor", new ScheduleProcessor(tasks));
        r.bind("fanOutProcessor", new FanOutProcessor(tasks, users.rights(), engine, active, progress, options.joinTimeout()));
        r.bind("trackProcessor", new TrackProcessor(tasks, progress));
        r.bind("verifyProcessor", verify);
        r.bind("auditProcessor", new AuditProcessor(audit));
        r.bind("reconcileProcessor", new ReconcileProcessor(tasks, engine, active, verify, options.nodeTimeout()));
        context.addComponent(InMemoryRest.NAME, rest);
        // seda consumers wake up this often to see that their route stops (default 1 s: each test's shutdown would wait for it)
        SedaComponent seda = new SedaComponent();
        seda.setDefaultPollTimeout(50);
        context.addComponent("seda", seda);
        // the harness goes down with the context, after its routes
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                LifecycleHarness.this.close();
            }
        }, true, true);
        // as application.yaml: camel.rest.binding-mode=off; the component is ours instead of platform-http
        context.getRestConfiguration().setComponent(InMemoryRest.NAME);
        context.getRestConfiguration().setBindingMode("off");
    }

    /** The route builders the server loads: the error route configuration, the lifecycle YAML files, the API. */
    RoutesBuilder[] routes(CamelContext context) throws Exception {
        List<RoutesBuilder> out = new ArrayList<>();
        out.add(new ErrorRoutes(new AuditProcessor(audit)));
        out.addAll(PluginHelper.getRoutesLoader(context).findRoutesBuilders(yamlRoutes(context)));
        out.add(new ApiRoutes(new TaskApi(tasks, engine, active), new ClusterApi(clusters, ROOM, users.rights()), new FileVersionApi(files, users.rights(), new FileSources(List.of(dir.resolve("sources")))),
                new AuthApi(users), new SystemApi(engine, audit), new RightsApi(users)));
        return out.toArray(RoutesBuilder[]::new);
    }

    static List<Resource> yamlRoutes(CamelContext context) throws Exception {
        List<Resource> found = new ArrayList<>(PluginHelper.getPackageScanResourceResolver(context).findResources("classpath:camel/*.yaml"));
        found.sort(Comparator.comparing(Resource::getLocation));
        return found;
    }

    // ---- users and tokens

    /** A user with an API token (no password: tokens are what the routes see). */
    String tokenFor(String username, String role) {
        db.jdbc().update("insert into users (username, password_hash, role, created_at) values (?, ?, ?, ?)",
                username, "{none}", role, System.currentTimeMillis());
        db.jdbc().update("insert into user_roles (username, role) values (?, ?)", username, io.darner.processors.store.Roles.canonical(role));
        return users.issueToken(username, "test", 0);
    }

    // ---- peers and files

    /** Starts a node of {@code room} and waits until its supernode registered it. */
    PeerNode peer(String nodeId, String room) throws Exception {
        return peer(nodeId, room, 0);
    }

    /** A node whose downloads are capped at {@code downloadBytesPerSecond} (0: none), for tasks that must still run when a test acts. */
    PeerNode peer(String nodeId, String room, long downloadBytesPerSecond) throws Exception {
        PeerConfig pc = new PeerConfig(nodeId, room, dir.resolve("nodes").resolve(nodeId), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                List.of(supernodes.get(room).controlAddress()), SECRET, 0, downloadBytesPerSecond, 0, null).withoutSourceFallback();
        Files.createDirectories(targetOf(nodeId).getParent()); // the agent writes into an existing folder
        PeerNode n = PeerNode.start(pc, transport);
        peers.put(nodeId, n);
        n.registration().get(10, TimeUnit.SECONDS);
        return n;
    }

    PeerNode peer(String nodeId) throws Exception {
        return peer(nodeId, ROOM);
    }

    /** A file of random bytes in the source folder; its file:// URL. */
    Path sourceFile(String name, int size) throws IOException {
        byte[] b = new byte[size];
        new Random(name.hashCode()).nextBytes(b);
        Path f = dir.resolve("sources").resolve(name);
        Files.createDirectories(f.getParent());
        return Files.write(f, b);
    }

    static String url(Path file) {
        return file.toUri().toString();
    }

    static String digest(Path file) {
        try {
            return "sha256:" + Sha256.hex(Sha256.of(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The target path template of tasks: every node writes under its own folder. */
    String target() {
        return dir.resolve("targets").toAbsolutePath() + "/{node}/app.bin";
    }

    Path targetOf(String nodeId) {
        return dir.resolve("targets").resolve(nodeId).resolve("app.bin");
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (PeerNode p : peers.values()) p.close();
        for (Supernode s : supernodes.values()) s.close();
        transport.close();
        try {
            db.jdbc().execute("shutdown");
        } catch (RuntimeException ignored) {
            // already gone
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
