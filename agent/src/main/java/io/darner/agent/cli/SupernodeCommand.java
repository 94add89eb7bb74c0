package io.darner.agent.cli;

import io.darner.agent.daemon.StopSignal;
import io.darner.agent.daemon.SupernodeDaemon;
import io.darner.engine.supernode.SupernodeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "supernode", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Runs the scheduler and seed of one room until SIGTERM or SIGINT. Agents of the room join on "
                        + "--listen, proving they know the cluster secret; the seed fetches each task's source once "
                        + "and serves its pieces on --seed-listen.",
                "The admin address serves GET /healthz, GET /metrics (Prometheus), GET /api/nodes, GET /api/tasks "
                        + "(each task's source, size, content id and every node's progress and result) and POST /api/tasks: "
                        + "{\"source\":URL, \"digest\":\"sha256:HEX\" (optional), \"targets\":{\"NODE-ID\":\"/abs/path\"}} "
                        + "pushes a task to registered agents (each checks the path against its --allow-dir)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:stopped by SIGTERM or SIGINT",
                "1:could not start (address in use, unusable data directory)",
                "2:usage error (bad option value, unreadable secret file)"})
public final class SupernodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--listen", paramLabel = "HOST:PORT", required = true, converter = Converters.AddressConverter.class,
            description = "Control address agents join on")
    InetSocketAddress listen;

    @Option(names = "--admin", paramLabel = "HOST:PORT", required = true, converter = Converters.AddressConverter.class,
            description = "Admin HTTP address: /healthz, /metrics, /api/nodes, /api/tasks")
    InetSocketAddress admin;

    @Option(names = "--room", paramLabel = "ROOM", required = true, description = "The room (data centre) this supernode schedules")
    String room;

    @Option(names = "--data-dir", paramLabel = "DIR", required = true, description = "Where the seed keeps pieces")
    Path dataDir;

    @Option(names = "--secret-file", paramLabel = "FILE", required = true, converter = Converters.SecretFileConverter.class,
            description = "File holding the cluster secret (a trailing line break is ignored)")
    Converters.Secret secret;

    @Option(names = "--seed-listen", paramLabel = "HOST:PORT", converter = Converters.AddressConverter.class,
            description = "Where the seed serves pieces (default: the --listen host, any free port)")
    InetSocketAddress seedListen;

    @Option(names = "--seed-upload-rate", paramLabel = "RATE", converter = Converters.RateConverter.class,
            description = "Cap on the seed's upload to agents, e.g. 50MB/s, 400Mbit/s, 1048576 (default: none)")
    long seedUploadRate;

    @Option(names = "--id", paramLabel = "ID", description = "Supernode id (default: hostname:port of --listen)")
    String id;

    @Mixin
    TcpCongestionOption congestion;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String tcpCongestion = congestion.checked(spec);
        SupernodeConfig config = new SupernodeConfig(id != null ? id : Addresses.defaultId(listen), room, dataDir, listen,
                seedListen != null ? seedListen : new InetSocketAddress(listen.getAddress(), 0), secret.bytes(), seedUploadRate,
                SupernodeConfig.DEFAULT_HEARTBEAT, SupernodeConfig.DEFAULT_MAX_PARENTS, SupernodeConfig.DEFAULT_SEED_FANOUT);
        SupernodeDaemon daemon;
        try {
            daemon = SupernodeDaemon.start(config, admin, tcpCongestion);
        } catch (IOException e) {
            spec.commandLine().getErr().println("darner supernode: cannot start: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        out.printf("supernode %s of room %s: control %s, seed %s, admin http://%s%n", config.id(), room,
                Addresses.authority(daemon.supernode().controlAddress()), Addresses.authority(daemon.supernode().seedAddress()),
                Addresses.authority(daemon.adminAddress()));
        out.flush();
        return new StopSignal().runUntilStopped(daemon);
    }
}
