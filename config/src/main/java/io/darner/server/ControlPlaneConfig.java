package io.darner.server;

import io.darner.engine.net.Transport;
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
import io.darner.processors.engine.RemoteEngine;
import io.darner.processors.engine.RoomEngines;
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
import io.darner.processors.store.RightsStore;
import io.darner.processors.store.TaskStore;
import io.darner.processors.store.UserStore;
import io.darner.routes.ApiRoutes;
import io.darner.routes.ErrorRoutes;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.spi.ComponentCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Wires the control plane: the store over the configured data source, the embedded supernode,
 * one bean per lifecycle step (named as the YAML routes reference them), and the API routes.
 */
@Configuration
public class ControlPlaneConfig {

    @Bean
    Db db(DataSource dataSource) {
        return new Db(dataSource);
    }

    @Bean
    TaskStore taskStore(Db db) { return new TaskStore(db); }

    @Bean
    ClusterStore clusterStore(Db db) { return new ClusterStore(db); }

    @Bean
    FileVersionStore fileVersionStore(Db db) { return new FileVersionStore(db); }

    @Bean
    RightsStore rightsStore(Db db) { return new RightsStore(db); }

    @Bean
    UserStore userStore(Db db, RightsStore rights, DarnerProperties props) {
        return new UserStore(db, rights).throttle(props.getAuth().getMaxFailedLogins(), props.getAuth().getLockout());
    }

    @Bean
    AuditStore auditStore(Db db) { return new AuditStore(db); }

    @Bean(destroyMethod = "close")
    Transport transport() {
        return Transport.create(0);
    }

    @Bean(destroyMethod = "close")
    Supernode embeddedSupernode(DarnerProperties props, Transport transport) throws IOException {
        DarnerProperties.Supernode s = props.getSupernode();
        byte[] secret = ClusterSecretFile.loadOrCreate(s.getSecretFile() != null ? s.getSecretFile() : props.getDataDir().resolve("cluster.secret"));
        InetSocketAddress listen = Addresses.parse("darner.supernode.listen", s.getListen());
        SupernodeConfig base = SupernodeConfig.of(s.getId(), s.getRoom(), props.getDataDir().resolve("supernode"), listen, secret);
        SupernodeConfig config = new SupernodeConfig(base.id(), base.room(), base.dataDir(), base.listen(),
                Addresses.parse("darner.supernode.seed-listen", s.getSeedListen()), base.secret(), base.seedUploadBytesPerSecond(),
                base.heartbeat(), base.maxParents(), base.seedFanout());
        return Supernode.start(config, transport);
    }

    /** The embedded supernode's room, then the rooms of external supernodes (darner.external-supernodes.ROOM=HOST:PORT). */
    @Bean
    @Primary
    Engine engine(DarnerProperties props, Supernode embeddedSupernode, RemoteEngine remoteSupernodes) {
        EmbeddedEngine embedded = new EmbeddedEngine(Map.of(props.getSupernode().getRoom(), embeddedSupernode));
        return props.getExternalSupernodes().isEmpty() ? embedded : new RoomEngines(List.of(embedded, remoteSupernodes));
    }

    @Bean(destroyMethod = "close")
    RemoteEngine remoteSupernodes(DarnerProperties props) {
        props.getExternalSupernodes().forEach((room, address) -> {
            if (room.equals(props.getSupernode().getRoom())) {
                throw new IllegalArgumentException("darner.external-supernodes." + room + ": room " + room
                        + " is the embedded supernode's (darner.supernode.room); give the external one another room");
            }
            Addresses.parse("darner.external-supernodes." + room, address);
        });
        return new RemoteEngine(props.getExternalSupernodes(), Duration.ofMillis(500));
    }

    /**
     * This replica as a task owner: darner.instance-id, or an id kept in DATA_DIR/instance.id, so
     * that a restarted server takes its own tasks back at once instead of waiting for their lease.
     */
    @Bean
    ActiveTasks activeTasks(DarnerProperties props) throws IOException {
        String id = props.getInstanceId();
        if (id == null || id.isBlank()) {
            java.nio.file.Path file = props.getDataDir().resolve("instance.id");
            if (!java.nio.file.Files.exists(file)) {
                java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
                java.nio.file.Files.writeString(file, "server-" + java.util.UUID.randomUUID() + "\n");
            }
            id = java.nio.file.Files.readString(file).trim();
        }
        if (id.isEmpty() || id.length() > 64) throw new IllegalArgumentException("darner.instance-id must be 1 to 64 characters, got '" + id + "'");
        return new ActiveTasks(id);
    }

    @Bean
    ProgressSink progressSink() { return new ProgressSink(); }

    // ---- lifecycle steps, by the names the YAML routes use

    @Bean
    AuthenticateProcessor authenticateProcessor(UserStore users) { return new AuthenticateProcessor(users); }

    @Bean
    AuthorizeProcessor authorizeProcessor(AuditStore audit, TaskStore tasks, ClusterStore clusters, FileVersionStore files, UserStore users) {
        return new AuthorizeProcessor(audit, new Owners(tasks, clusters, files, users));
    }

    @Bean
    FileSources fileSources(DarnerProperties props) { return new FileSources(props.getFileSources()); }

    @Bean
    ValidateProcessor validateProcessor(DarnerProperties props, FileSources fileSources) { return new ValidateProcessor(props.getSupernode().getRoom(), fileSources); }

    @Bean
    ResolveClusterProcessor resolveClusterProcessor(ClusterStore clusters, FileVersionStore files, Engine engine, FileSources fileSources) {
        return new ResolveClusterProcessor(clusters, files, engine, fileSources);
    }

    @Bean
    ScheduleProcessor scheduleProcessor(TaskStore tasks) { return new ScheduleProcessor(tasks); }

    @Bean
    FanOutProcessor fanOutProcessor(TaskStore tasks, RightsStore rights, Engine engine, ActiveTasks active, ProgressSink progress, DarnerProperties props) {
        return new FanOutProcessor(tasks, rights, engine, active, progress, props.getTasks().getJoinTimeout());
    }

    @Bean
    TrackProcessor trackProcessor(TaskStore tasks, ProgressSink progress) { return new TrackProcessor(tasks, progress); }

    @Bean
    VerifyProcessor verifyProcessor(TaskStore tasks, ActiveTasks active) { return new VerifyProcessor(tasks, active); }

    @Bean
    AuditProcessor auditProcessor(AuditStore audit) { return new AuditProcessor(audit); }

    @Bean
    ReconcileProcessor reconcileProcessor(TaskStore tasks, Engine engine, ActiveTasks active, VerifyProcessor verify, DarnerProperties props) {
        return new ReconcileProcessor(tasks, engine, active, verify, props.getTasks().getNodeTimeout());
    }

    // ---- the REST API and the error handling route configuration

    /** HTTP responses carry no message headers (see {@link ResponseHeaderFilter}). */
    @Bean
    ComponentCustomizer responseHeaderFilter() {
        return ComponentCustomizer.builder(PlatformHttpComponent.class).build(c -> c.setHeaderFilterStrategy(new ResponseHeaderFilter()));
    }

    @Bean
    FilterRegistrationBean<OpenApiAuthFilter> openApiAuthFilter(UserStore users) {
        FilterRegistrationBean<OpenApiAuthFilter> r = new FilterRegistrationBean<>(new OpenApiAuthFilter(users));
        r.addUrlPatterns(OpenApiAuthFilter.PATH);
        return r;
    }

    /** Every API request carries the caller's address to the routes (for the audit trail); a client cannot set it. */
    @Bean
    FilterRegistrationBean<ClientAddressFilter> clientAddressFilter() {
        FilterRegistrationBean<ClientAddressFilter> r = new FilterRegistrationBean<>(new ClientAddressFilter());
        r.addUrlPatterns("/api/*");
        return r;
    }

    @Bean
    ErrorRoutes errorRoutes(AuditProcessor auditProcessor) { return new ErrorRoutes(auditProcessor); }

    @Bean
    ApiRoutes apiRoutes(TaskStore tasks, ClusterStore clusters, FileVersionStore files, UserStore users, AuditStore audit,
                        Engine engine, ActiveTasks active, DarnerProperties props, FileSources fileSources) {
        return new ApiRoutes(new TaskApi(tasks, engine, active), new ClusterApi(clusters, props.getSupernode().getRoom(), users.rights()),
                new FileVersionApi(files, users.rights(), fileSources), new AuthApi(users), new SystemApi(engine, audit), new RightsApi(users));
    }
}
