package io.darner.it.support;

import io.darner.agent.JvmOptions;
import io.darner.agent.LoopbackPorts;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Starts supernodes, agents and one-off commands of the agent jar as child processes for one
 * test, in a work directory of its own with a fresh cluster secret; after the test, kills every
 * process it started (by handle) and deletes the directory, printing the tail of each process
 * log when the test failed. Use with {@code @RegisterExtension}.
 */
public final class DarnerNodes implements BeforeEachCallback, AfterEachCallback {
    /** How long a daemon may take to start answering on its HTTP address. */
    public static final Duration STARTUP = Duration.ofSeconds(30);
    public static final String ROOM = "room-1";

    private final List<JavaProcess> processes = new ArrayList<>();
    private Path dir;
    private Path secret;
    private int started;

    /** The jar under test, as the build passes it (system property {@code darner.agent.jar}). */
    public static Path agentJar() {
        String p = System.getProperty("darner.agent.jar");
        if (p == null) throw new IllegalStateException("system property darner.agent.jar is not set; run these tests with mvn verify");
        Path jar = Path.of(p).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar + " does not exist; package the agent module first (mvn verify does)");
        return jar;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("darner-it-");
        secret = dir.resolve("secret");
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        Files.write(secret, bytes);
        Files.createDirectories(outDir());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            for (JavaProcess p : processes) p.close();
            if (context.getExecutionException().isPresent()) {
                for (JavaProcess p : processes) System.err.println("----- " + p.name() + " (pid " + p.pid() + "), last lines:\n" + p.tail(40));
            }
        } finally {
            processes.clear();
            TestFiles.deleteTree(dir);
        }
    }

    public Path dir() {
        return dir;
    }

    /** The directory agents may write targets in (their --allow-dir). */
    public Path outDir() {
        return dir.resolve("out");
    }

    public Path secretFile() {
        return secret;
    }

    /** Runs {@code darner ARGS} with the JVM flags of {@code darner-jvm.options} for its command. */
    public JavaProcess darner(String name, List<String> args) {
        List<String> jvm = args.isEmpty() ? List.of() : JvmOptions.forCommand(args.get(0));
        JavaProcess p = JavaProcess.start(name, agentJar(), jvm, args, dir.resolve("logs").resolve(name + "-" + (++started) + ".log"));
        processes.add(p);
        return p;
    }

    public JavaProcess darner(String name, String... args) {
        return darner(name, Arrays.asList(args));
    }

    /** Starts a supernode of {@link #ROOM} on free loopback ports and waits until its admin address answers. */
    public Supernode supernode(String name, String... extraArgs) {
        String listen = LoopbackPorts.freeAddress();
        String admin = LoopbackPorts.freeAddress();
        List<String> args = new ArrayList<>(List.of("supernode", "--id", name, "--listen", listen, "--admin", admin, "--room", ROOM,
                "--data-dir", dir.resolve(name).toString(), "--secret-file", secret.toString()));
        args.addAll(Arrays.asList(extraArgs));
        JavaProcess p = darner(name, args);
        Supernode sn = new Supernode(name, listen, admin, p);
        Http.awaitOk(sn.admin("/healthz"), STARTUP);
        return sn;
    }

    /** Starts an agent joining {@code supernodes} (in that order); call {@link Agent#awaitJoined()} to wait for it. */
    public Agent agent(String name, List<Supernode> supernodes, String... extraArgs) {
        return agentWithSecret(name, supernodes, secret, extraArgs);
    }

    public Agent agentWithSecret(String name, List<Supernode> supernodes, Path secretFile, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("agent", "--node-id", name,
                "--supernode", supernodes.stream().map(Supernode::listen).collect(Collectors.joining(",")),
                "--room", ROOM, "--data-dir", dir.resolve(name).toString(), "--listen", LoopbackPorts.freeAddress(),
                "--control", LoopbackPorts.freeAddress(), "--secret-file", secretFile.toString(), "--allow-dir", outDir().toString()));
        args.addAll(Arrays.asList(extraArgs));
        Agent a = new Agent(name, args);
        a.process = darner(name, args);
        return a;
    }

    public record Supernode(String name, String listen, String adminAddress, JavaProcess process) {
        public URI admin(String path) {
            return Http.uri(adminAddress, path);
        }
    }

    /** An agent process; {@link #restart()} starts it again with the same arguments (data dir, ports, id). */
    public final class Agent {
        private final String name;
        private final List<String> args;
        private JavaProcess process;

        private Agent(String name, List<String> args) {
            this.name = name;
            this.args = List.copyOf(args);
        }

        public String name() {
            return name;
        }

        public JavaProcess process() {
            return process;
        }

        /** HOST:PORT of the control API. */
        public String control() {
            return args.get(args.indexOf("--control") + 1);
        }

        public Path dataDir() {
            return Path.of(args.get(args.indexOf("--data-dir") + 1));
        }

        /** Waits until the agent has joined a supernode (its /readyz answers 200). */
        public Agent awaitJoined() {
            Await.until(name + " to join a supernode", STARTUP, () -> {
                if (!process.isAlive()) throw new AssertionError(name + " exited:\n" + process.log());
                return Http.status(Http.uri(control(), "/readyz")) == 200;
            });
            return this;
        }

        /** Starts a download through this agent's control API. */
        public AgentDownload get(String url, Path output) {
            return AgentDownload.start(control(), url, output, null);
        }

        public Agent restart() {
            if (process.isAlive()) throw new IllegalStateException(name + " is still running");
            process = darner(name, args);
            return this;
        }
    }

    /** Writes a secret other than the cluster's (for refusal tests). */
    public Path otherSecret() {
        try {
            return Files.writeString(dir.resolve("other-secret"), "not the cluster secret\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
