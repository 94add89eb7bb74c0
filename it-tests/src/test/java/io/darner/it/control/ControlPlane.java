package io.darner.it.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.darner.agent.JvmOptions;
import io.darner.it.support.Await;
import io.darner.it.support.Http;
import io.darner.it.support.JavaProcess;
import io.darner.agent.LoopbackPorts;
import io.darner.it.support.TestFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A control plane under test: the server jar as a child process (with its embedded supernode,
 * on the given database) and agent processes of the agent jar joining it, in a work directory
 * of its own. {@link #close()} stops every process it started (by handle), drops the database
 * and deletes the directory.
 */
final class ControlPlane implements AutoCloseable {
    static final String ROOM = "room-1";
    static final Duration STARTUP = Duration.ofSeconds(90);
    private static final String PASSWORD = "it-" + Long.toHexString(new SecureRandom().nextLong());

    final Path dir;
    private final Database database;
    private final String databaseName;
    private final List<String> serverArgs = new ArrayList<>();
    private final List<JavaProcess> processes = new ArrayList<>();
    private final List<Agent> agents = new ArrayList<>();
    private final String http;
    final String supernode;
    private JavaProcess server;
    private String token;
    private int serverStarts;

    ControlPlane(Database database) throws IOException {
        this.database = database;
        this.dir = Files.createTempDirectory("darner-it-cp-");
        this.databaseName = Database.freshName();
        Files.createDirectories(outDir());
        Path secret = dir.resolve("cluster.secret");
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        Files.write(secret, bytes);
        this.http = LoopbackPorts.freeAddress();
        this.supernode = LoopbackPorts.freeAddress();
        serverArgs.addAll(List.of("server", "--server.port=" + http.substring(http.lastIndexOf(':') + 1),
                "--darner.data-dir=" + dir.resolve("server"), "--darner.routes-dir=" + dir.resolve("routes.d"),
                "--darner.supernode.listen=" + supernode, "--darner.supernode.room=" + ROOM,
                "--darner.supernode.secret-file=" + secret, "--darner.bootstrap.admin-password=" + PASSWORD,
                "--darner.file-sources=" + dir)); // the tests' source files are written here
        serverArgs.addAll(database.create(databaseName));
    }

    static Path serverJar() {
        String p = System.getProperty("darner.server.jar");
        if (p == null) throw new IllegalStateException("system property darner.server.jar is not set; run these tests with mvn verify");
        Path jar = Path.of(p).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar + " does not exist; package the config module first (mvn verify does)");
        return jar;
    }

    Path outDir() {
        return dir.resolve("out");
    }

    /** Starts the server and waits until it answers and the administrator is logged in. */
    ControlPlane startServer() {
        server = JavaProcess.start("server", serverJar(), List.of("-Xmx768m"), serverArgs,
                dir.resolve("logs").resolve("server-" + (++serverStarts) + ".log"));
        processes.add(server);
        Await.until("the server to answer /api/v1/health", STARTUP, () -> {
            if (!server.isAlive()) throw new AssertionError("the server exited:\n" + server.tail(60));
            return Http.status(uri("/api/v1/health")) == 200;
        });
        token = null;
        Http.Response login = call("POST", "/api/v1/auth/login", "{\"username\":\"admin\",\"password\":\"" + PASSWORD + "\"}");
        if (login.status() != 200) throw new AssertionError("login failed: HTTP " + login.status() + " " + login.body() + "\n" + server.tail(40));
        token = login.json().path("token").asText();
        return this;
    }

    /** SIGKILL to the server: it records nothing more, whatever the agents do meanwhile. */
    void killServer() {
        server.kill();
    }

    /** Adds a server setting (before {@link #startServer()}). */
    ControlPlane serverArg(String arg) {
        serverArgs.add(arg);
        return this;
    }

    /** A standalone supernode of {@code room} sharing the cluster secret; returns {listen, admin} addresses once it answers. */
    String[] standaloneSupernode(String name, String room) {
        String listen = LoopbackPorts.freeAddress();
        String admin = LoopbackPorts.freeAddress();
        JavaProcess p = JavaProcess.start(name, io.darner.it.support.DarnerNodes.agentJar(), JvmOptions.forCommand("supernode"),
                List.of("supernode", "--id", name, "--listen", listen, "--admin", admin, "--room", room, "--data-dir", dir.resolve(name).toString(),
                        "--secret-file", dir.resolve("cluster.secret").toString()), dir.resolve("logs").resolve(name + ".log"));
        processes.add(p);
        Http.awaitOk(Http.uri(admin, "/healthz"), STARTUP);
        return new String[] {listen, admin};
    }

    /** Starts an agent joining the server's supernode; {@code extra} e.g. a download rate. */
    Agent agent(String name, String... extra) {
        return agentIn(name, ROOM, supernode, extra);
    }

    /** Starts an agent of {@code room} joining {@code supernodeAddress}. */
    Agent agentIn(String name, String room, String supernodeAddress, String... extra) {
        List<String> args = new ArrayList<>(List.of("agent", "--node-id", name, "--supernode", supernodeAddress, "--room", room,
                "--data-dir", dir.resolve(name).toString(), "--listen", LoopbackPorts.freeAddress(), "--control", LoopbackPorts.freeAddress(),
                "--secret-file", dir.resolve("cluster.secret").toString(), "--allow-dir", outDir().toString()));
        args.addAll(List.of(extra));
        try {
            Files.createDirectories(outDir().resolve(name)); // the agent writes targets only into directories that exist
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JavaProcess p = JavaProcess.start(name, io.darner.it.support.DarnerNodes.agentJar(), JvmOptions.forCommand("agent"), args,
                dir.resolve("logs").resolve(name + ".log"));
        processes.add(p);
        Agent a = new Agent(name, room, p);
        agents.add(a);
        return a;
    }

    /** Waits until the server's supernode lists every agent. */
    void awaitNodes(int count) {
        Await.until(count + " nodes to join the server", STARTUP, () -> {
            for (Agent a : agents) if (!a.process.isAlive()) throw new AssertionError(a.name + " exited:\n" + a.process.tail(40));
            return get("/api/v1/nodes").json().path("items").size() >= count;
        });
    }

    record Agent(String name, String room, JavaProcess process) {}

    Agent agentNamed(String name) {
        return agents.stream().filter(a -> a.name.equals(name)).findFirst().orElseThrow();
    }

    // ------------------------------------------------------------------ API

    Http.Response get(String path) {
        return call("GET", path, null);
    }

    Http.Response post(String path, String json) {
        return call("POST", path, json);
    }

    Http.Response call(String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) b.header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        try {
            HttpResponse<String> r = Http.client().send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Http.Response(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Creates a task to every agent started so far; returns its id. */
    String createTask(String source, String digest, String targetName) {
        StringBuilder nodes = new StringBuilder();
        for (Agent a : agents) {
            nodes.append(nodes.length() == 0 ? "" : ",").append("{\"id\":\"").append(a.name).append("\",\"room\":\"").append(a.room).append("\"}");
        }
        String body = "{\"source\":\"" + source + "\",\"digest\":\"" + digest + "\",\"nodes\":[" + nodes
                + "],\"target\":\"" + outDir().resolve("{node}").resolve(targetName) + "\"}";
        Http.Response r = post("/api/v1/tasks", body);
        if (r.status() != 201) throw new AssertionError("create task: HTTP " + r.status() + " " + r.body());
        return r.json().path("id").asText();
    }

    JsonNode task(String id) {
        return get("/api/v1/tasks/" + id).json();
    }

    /** Waits until the task is in one of the finished states; returns its view. */
    JsonNode awaitFinished(String id, Duration timeout) {
        return Await.value("task " + id + " to finish", timeout, () -> {
            JsonNode t = task(id);
            return List.of("SUCCEEDED", "PARTIAL", "FAILED", "STOPPED").contains(t.path("state").asText()) ? t : null;
        });
    }

    List<String> eventCauses(String id) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : get("/api/v1/tasks/" + id + "/events").json().path("events")) {
            out.add(e.path("state").asText() + " " + e.path("node").asText() + " " + e.path("cause").asText());
        }
        return out;
    }

    String logs() {
        StringBuilder b = new StringBuilder();
        for (JavaProcess p : processes) b.append("----- ").append(p.name()).append(" (pid ").append(p.pid()).append(")\n").append(p.tail(40)).append('\n');
        return b.toString();
    }

    private URI uri(String path) {
        return Http.uri(http, path);
    }

    @Override
    public void close() {
        try {
            for (JavaProcess p : processes) p.close();
        } finally {
            try {
                database.drop(databaseName);
            } finally {
                TestFiles.deleteTree(dir);
            }
        }
    }
}
