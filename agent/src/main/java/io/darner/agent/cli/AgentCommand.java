package io.darner.agent.cli;

import io.darner.agent.daemon.AgentDaemon;
import io.darner.agent.daemon.AllowedDirs;
import io.darner.agent.daemon.JitPolicy;
import io.darner.agent.daemon.StopSignal;
import io.darner.engine.api.PeerConfig;
import io.darner.engine.store.CachePolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "agent", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Runs the node daemon until SIGTERM or SIGINT: joins the supernodes of its room (the first "
                        + "reachable one, failing over to the next), downloads tasks, serves pieces to peers.",
                "The control address (loopback by default) serves GET /healthz (200 while running), GET /readyz "
                        + "(200 once joined, 503 while joining), GET /metrics (Prometheus) and POST /api/v1/get, "
                        + "which `darner get` uses. "
                        + "Targets are written only inside the --allow-dir directories, whether asked for through "
                        + "the control API or by a supernode's task (its admin POST /api/tasks).",
                "The piece store doubles as a cache: a later task that names the same content by its digest is served from it. "
                        + "It is kept between --cache-low-watermark and --cache-high-watermark of its disk, and "
                        + "content unused for --cache-ttl is dropped.",
                "A target in the piece store's file system is a hard link to the store's copy (one copy on disk); "
                        + "a second target of the same content, or one elsewhere, gets a copy of its own.",
                "The JVM's optimising compiler works only on SHA-256 hashing (less CPU spent compiling on busy "
                        + "hosts); -Ddarner.jit=default in DARNER_JAVA_OPTS restores the JVM's own policy."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:stopped by SIGTERM or SIGINT (running downloads get up to 20 s to finish)",
                "1:could not start (address in use, unusable data directory)",
                "2:usage error (bad option value, missing --allow-dir directory, unreadable secret file)",
                "6:refused by a supernode (wrong cluster secret, other protocol version)"})
public final class AgentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--supernode", paramLabel = "HOST:PORT", required = true, split = ",",
            converter = Converters.RemoteAddressConverter.class,
            description = "Supernodes of the room, in order of preference (comma-separated or repeated); "
                    + "names are resolved again on every reconnect")
    List<InetSocketAddress> supernodes;

    @Option(names = "--room", paramLabel = "ROOM", required = true, description = "The room (data centre) of this node")
    String room;

    @Option(names = "--data-dir", paramLabel = "DIR", required = true, description = "Where the piece store lives")
    Path dataDir;

    @Option(names = "--listen", paramLabel = "HOST:PORT", required = true, converter = Converters.AddressConverter.class,
            description = "Where this node serves pieces; peers are told this host. With 0.0.0.0 the node "
                    + "binds and announces the local address that routes to the first --supernode")
    InetSocketAddress listen;

    @Option(names = "--control", paramLabel = "HOST:PORT", converter = Converters.AddressConverter.class,
            defaultValue = "${env:DARNER_CONTROL:-127.0.0.1:7401}",
            description = "Control HTTP address (default: $DARNER_CONTROL, else 127.0.0.1:7401)")
    InetSocketAddress control;

    @Option(names = "--secret-file", paramLabel = "FILE", required = true, converter = Converters.SecretFileConverter.class,
            description = "File holding the cluster secret (a trailing line break is ignored)")
    Converters.Secret secret;

    @Option(names = "--upload-rate", paramLabel = "RATE", converter = Converters.RateConverter.class,
            description = "Cap on uploads to peers, e.g. 50MB/s, 400Mbit/s, 1048576 (default: none)")
    long uploadRate;

    @Option(names = "--download-rate", paramLabel = "RATE", converter = Converters.RateConverter.class,
            description = "Cap on downloads (default: none)")
    long downloadRate;

    @Option(names = "--allow-dir", paramLabel = "DIR",
            description = "A directory targets may be written in (repeatable; none: every target is refused)")
    List<Path> allowDirs = new ArrayList<>();

    @Option(names = "--no-source-fallback",
            description = "Never fetch straight from the source when no supernode is reachable: such a task fails, "
                    + "naming the supernodes (default: after 5 s without a supernode a task reads the source itself, "
                    + "and its result says so)")
    boolean noSourceFallback;

    @Option(names = "--source-fallback-after", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            defaultValue = "5s",
            description = "How long a task goes without any supernode before it reads the source itself (or, with "
                    + "--no-source-fallback, fails), e.g. 5s, 2m (default: ${DEFAULT-VALUE})")
    Duration sourceFallbackAfter;

    @Option(names = "--cache-high-watermark", paramLabel = "PCT", converter = Converters.PercentConverter.class,
            defaultValue = "85%",
            description = "When the piece store's disk is fuller than this, cached content no task uses is dropped, "
                    + "least recently used first, down to --cache-low-watermark (default: ${DEFAULT-VALUE})")
    double cacheHighWatermark;

    @Option(names = "--cache-low-watermark", paramLabel = "PCT", converter = Converters.PercentConverter.class,
            defaultValue = "70%", description = "Disk use the cache GC brings the disk back to (default: ${DEFAULT-VALUE})")
    double cacheLowWatermark;

    @Option(names = "--cache-ttl", paramLabel = "DURATION", converter = Converters.DurationConverter.class, defaultValue = "24h",
            description = "Cached content unused (neither fetched, exported nor served to a peer) for this long is dropped, "
                    + "e.g. 90m, 24h, 7d (default: ${DEFAULT-VALUE}). Content a running task or a peer uses is never dropped")
    Duration cacheTtl;

    @Option(names = "--io-threads", paramLabel = "N",
            description = "Event loops that move this node's bytes (receive, verify, store, serve); "
                    + "default: half the cores, at least 1")
    Integer ioThreads;

    @Mixin
    TcpCongestionOption congestion;

    @Option(names = "--node-id", paramLabel = "ID", description = "Node id, unique in the cluster (default: hostname:port of --listen)")
    String nodeId;

    @Override
    public Integer call() throws Exception {
        InetSocketAddress dataAddress;
        try {
            dataAddress = Addresses.advertisable(listen, supernodes.get(0));
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--listen " + Addresses.authority(listen)
                    + ": cannot tell which address peers reach this node on (" + e.getMessage() + "); give it instead of a wildcard");
        }
        try {
            AllowedDirs.of(allowDirs);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--allow-dir: " + describe(e));
        }
        if (ioThreads != null && (ioThreads < 1 || ioThreads > 256)) {
            throw new ParameterException(spec.commandLine(), "--io-threads " + ioThreads + ": give a number of event loops from 1 to 256");
        }
        String tcpCongestion = congestion.checked(spec);
        CachePolicy cache;
        try {
            cache = new CachePolicy(cacheHighWatermark, cacheLowWatermark, cacheTtl);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--cache-low-watermark / --cache-high-watermark: " + e.getMessage());
        }
        AgentDaemon.Settings settings = new AgentDaemon.Settings(
                new PeerConfig(nodeId != null ? nodeId : Addresses.defaultId(dataAddress), room, dataDir, dataAddress, supernodes,
                        secret.bytes(), uploadRate, downloadRate, 0, null, sourceFallbackAfter).withCache(cache),
                control, allowDirs, !noSourceFallback, ioThreads == null ? 0 : ioThreads, tcpCongestion);
        String jit = JitPolicy.install();
        AgentDaemon daemon;
        try {
            daemon = AgentDaemon.start(settings);
        } catch (IOException e) {
            spec.commandLine().getErr().println("darner agent: cannot start: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        return run(daemon, jit);
    }

    private static String describe(IOException e) {
        return e instanceof NoSuchFileException n ? n.getFile() + " does not exist" : e.getMessage();
    }

    private int run(AgentDaemon daemon, String jit) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String id = daemon.settings().peer().nodeId();
        out.printf("agent %s of room %s: data %s, control http://%s, joining %s; %d event loop(s); JIT: %s%n", id, room,
                Addresses.authority(daemon.node().dataAddress()), Addresses.authority(daemon.controlAddress()),
                String.join(",", supernodes.stream().map(Addresses::authority).toList()), daemon.settings().ioThreads(), jit);
        out.flush();
        StopSignal stop = new StopSignal();
        daemon.registration().whenComplete((ok, refused) -> {
            if (refused != null) {
                err.println("darner agent: " + id + " was refused: " + refused.getMessage());
                err.flush();
                stop.stop(ExitCodes.REFUSED);
            } else {
                out.println("agent " + id + ": joined");
                out.flush();
            }
        });
        return stop.runUntilStopped(daemon);
    }
}
