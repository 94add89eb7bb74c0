package io.darner.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.darner.agent.daemon.AgentDaemon;
import io.darner.agent.daemon.Json;
import io.darner.agent.daemon.SupernodeDaemon;
import io.darner.engine.api.PeerConfig;
import io.darner.engine.manifest.Sha256;
import io.darner.engine.supernode.SupernodeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A real supernode and agent daemon in this JVM, driven through their HTTP endpoints and `darner get`. */
class AgentControlApiTest {
    private static final byte[] SECRET = "cluster-secret".getBytes();
    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private TestOrigin origin;
    private SupernodeDaemon supernode;
    private AgentDaemon agent;
    private Path allowed;
    private Path outside;

    @BeforeEach
    void start() throws Exception {
        origin = new TestOrigin();
        allowed = Files.createDirectories(dir.resolve("allowed"));
        outside = Files.createDirectories(dir.resolve("outside"));
        supernode = SupernodeDaemon.start(new SupernodeConfig("sn", "room-1", dir.resolve("sn"), ANY, ANY, SECRET, 0,
                SupernodeConfig.DEFAULT_HEARTBEAT, SupernodeConfig.DEFAULT_MAX_PARENTS, SupernodeConfig.DEFAULT_SEED_FANOUT), ANY);
        agent = AgentDaemon.start(new AgentDaemon.Settings(new PeerConfig("node-1", "room-1", dir.resolve("node-1"), ANY,
                List.of(supernode.supernode().controlAddress()), SECRET, 0, 0, 0, null), ANY, List.of(allowed), true));
        agent.registration().get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        if (agent != null) agent.close();
        if (supernode != null) supernode.close();
        origin.close();
    }

    @Test
    void post_get_streams_progress_then_the_verified_result() throws Exception {
        byte[] body = origin.serve("/app.bin", 3_000_001);
        Path target = allowed.resolve("app.bin");

        HttpResponse<String> r = postGet(Map.of("url", origin.url("/app.bin"), "output", target.toString()));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
        List<JsonNode> events = r.body().lines().map(AgentControlApiTest::json).toList();
        JsonNode result = events.get(events.size() - 1);
        assertThat(result.path("event").asText()).isEqualTo("result");
        assertThat(result.path("success").asBoolean()).as(result.toString()).isTrue();
        assertThat(result.path("contentId").asText()).isEqualTo(Sha256.hex(Sha256.of(body)));
        assertThat(result.path("fromSource").asBoolean()).isFalse();
        assertThat(events.subList(0, events.size() - 1)).allSatisfy(e -> assertThat(e.path("event").asText()).isEqualTo("progress"));
        assertThat(Files.readAllBytes(target)).isEqualTo(body);
    }

    @Test
    void a_wrong_digest_fails_as_an_integrity_error_and_leaves_no_file() throws Exception {
        origin.serve("/app.bin", 1000);
        Path target = allowed.resolve("app.bin");

        HttpResponse<String> r = postGet(Map.of("url", origin.url("/app.bin"), "output", target.toString(),
                "digest", "sha256:" + "1".repeat(64)));

        JsonNode result = json(r.body().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(result.path("success").asBoolean()).isFalse();
        assertThat(result.path("kind").asText()).as(result.toString()).isEqualTo("integrity");
        assertThat(target).doesNotExist();
    }

    @Test
    void targets_outside_the_allowed_directories_get_403_naming_them() throws Exception {
        origin.serve("/app.bin", 10);
        Files.createSymbolicLink(allowed.resolve("escape"), outside);
        String realAllowed = allowed.toRealPath().toString();

        for (String output : List.of(outside.resolve("app.bin").toString(),
                allowed + "/../outside/app.bin",
                allowed.resolve("escape/app.bin").toString(),
                allowed.toString())) {
            HttpResponse<String> r = postGet(Map.of("url", origin.url("/app.bin"), "output", output));

            assertThat(r.statusCode()).as(output).isEqualTo(403);
            JsonNode error = json(r.body());
            assertThat(error.path("allowed").toString()).contains(realAllowed);
            assertThat(error.path("error").asText()).contains(realAllowed);
        }
        try (var files = Files.list(outside)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void bad_requests_get_400() throws Exception {
        assertThat(postGet(Map.of("url", "nope", "output", allowed.resolve("x").toString())).statusCode()).isEqualTo(400);
        assertThat(postGet(Map.of("url", origin.url("/x"), "output", "relative/x")).statusCode()).isEqualTo(400);
        assertThat(postGet(Map.of("url", origin.url("/x"), "output", allowed.resolve("x").toString(), "digest", "md5:1"))
                .statusCode()).isEqualTo(400);
        HttpResponse<String> notJson = http.send(HttpRequest.newBuilder(control("/api/v1/get"))
                .POST(HttpRequest.BodyPublishers.ofString("{")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(notJson.statusCode()).isEqualTo(400);
    }

    @Test
    void darner_get_goes_through_the_agent() throws Exception {
        byte[] body = origin.serve("/app.bin", 1_000_003);
        Path target = allowed.resolve("via-agent.bin");

        Run run = Run.of("get", origin.url("/app.bin"), "-o", target.toString(), "--agent", authority(agent.controlAddress()),
                "--digest", "sha256:" + Sha256.hex(Sha256.of(body)));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("through the agent");
        assertThat(Files.readAllBytes(target)).isEqualTo(body);
    }

    @Test
    void darner_get_maps_the_agents_refusals_to_exit_codes() throws Exception {
        origin.serve("/app.bin", 10);
        String control = authority(agent.controlAddress());

        Run outsideRun = Run.of("get", origin.url("/app.bin"), "-o", outside.resolve("x").toString(), "--agent", control);
        assertThat(outsideRun.exitCode()).isEqualTo(ExitCodes.LOCAL_IO);
        assertThat(outsideRun.err()).contains("allowed directories");

        Run notFound = Run.of("get", origin.url("/missing"), "-o", allowed.resolve("m").toString(), "--agent", control);
        assertThat(notFound.exitCode()).as(notFound.err()).isEqualTo(ExitCodes.SOURCE);

        Run wrongDigest = Run.of("get", origin.url("/app.bin"), "-o", allowed.resolve("w").toString(), "--agent", control,
                "--digest", "sha256:" + "2".repeat(64));
        assertThat(wrongDigest.exitCode()).as(wrongDigest.err()).isEqualTo(ExitCodes.INTEGRITY);
        assertThat(allowed.resolve("w")).doesNotExist();
    }

    @Test
    void a_supernode_task_goes_through_the_admin_api_and_obeys_the_agents_allowed_directories() throws Exception {
        byte[] body = origin.serve("/app.bin", 5000);
        URI admin = URI.create("http://" + authority(supernode.adminAddress()));
        Path inside = allowed.resolve("pushed.bin");
        HttpResponse<String> ok = post(admin.resolve("/api/tasks"), Map.of("source", origin.url("/app.bin"),
                "targets", Map.of("node-1", inside.toString())));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
        String taskId = json(ok.body()).path("taskId").asText();
        JsonNode member = awaitMember(admin, taskId);
        assertThat(member.path("success").asBoolean()).as(member.toString()).isTrue();
        assertThat(Files.readAllBytes(inside)).isEqualTo(body);

        origin.serve("/other.bin", 100);
        HttpResponse<String> refused = post(admin.resolve("/api/tasks"), Map.of("source", origin.url("/other.bin"),
                "targets", Map.of("node-1", outside.resolve("evil.bin").toString())));
        assertThat(refused.statusCode()).isEqualTo(202);
        assertThat(supernode.supernode().tasks().get(5, TimeUnit.SECONDS)).isNotEmpty();
        JsonNode evil = awaitMember(admin, json(refused.body()).path("taskId").asText());
        assertThat(evil.path("success").asBoolean()).isFalse();
        assertThat(evil.path("message").asText()).contains("outside the directories");
        assertThat(outside.resolve("evil.bin")).doesNotExist();

        HttpResponse<String> unknown = post(admin.resolve("/api/tasks"), Map.of("source", origin.url("/app.bin"),
                "targets", Map.of("ghost", inside.toString())));
        assertThat(unknown.statusCode()).isEqualTo(409);
        assertThat(json(unknown.body()).path("error").asText()).contains("ghost");
        HttpResponse<String> bad = post(admin.resolve("/api/tasks"), Map.of("source", "ftp://x/y", "targets", Map.of("node-1", inside.toString())));
        assertThat(bad.statusCode()).isEqualTo(400);
    }

    private HttpResponse<String> post(URI uri, Object body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The task's node-1 entry once it reported a result (the scheduler answers the listing on its own thread). */
    private JsonNode awaitMember(URI admin, String taskId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (JsonNode t : json(getText(admin.resolve("/api/tasks"))).path("tasks")) {
                if (!taskId.equals(t.path("taskId").asText())) continue;
                for (JsonNode m : t.path("members")) if (m.path("done").asBoolean()) return m;
                if (t.path("members").isEmpty() && t.path("failure").isNull()) continue;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        throw new AssertionError("task " + taskId + " has no result for node-1 after 30 s");
    }

    @Test
    void health_metrics_and_nodes() throws Exception {
        assertThat(getText(control("/healthz"))).isEqualTo("ok");
        assertThat(getText(control("/readyz"))).isEqualTo("ready");
        assertThat(getText(control("/metrics"))).contains("darner_agent_registered 1.0", "darner_agent_uploaded_bytes_total", "darner_agent_cache_evicted_bytes_total");

        URI admin = URI.create("http://" + authority(supernode.adminAddress()));
        assertThat(getText(admin.resolve("/healthz"))).isEqualTo("ok");
        assertThat(getText(admin.resolve("/metrics"))).contains("darner_supernode_nodes 1.0", "darner_seed_uploaded_bytes_total");
        assertThat(json(getText(admin.resolve("/api/nodes"))).path("nodes").toString()).contains("node-1");
        assertThat(json(getText(admin.resolve("/api/tasks"))).path("tasks").isArray()).isTrue();
        assertThat(http.send(HttpRequest.newBuilder(control("/api/v1/get")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(405);
    }

    @Test
    void darner_get_fetches_on_its_own_while_the_agent_has_not_joined() throws Exception {
        byte[] body = origin.serve("/app.bin", 1000);
        Path target = allowed.resolve("alone.bin");
        InetSocketAddress nowhere = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                Integer.parseInt(TestOrigin.closedAddress().split(":")[1]));
        try (AgentDaemon lonely = AgentDaemon.start(new AgentDaemon.Settings(new PeerConfig("lonely", "room-1",
                dir.resolve("lonely"), ANY, List.of(nowhere), SECRET, 0, 0, 0, null), ANY, List.of(allowed), true))) {
            URI control = URI.create("http://" + authority(lonely.controlAddress()));
            assertThat(getText(control.resolve("/healthz"))).isEqualTo("ok");
            assertThat(http.send(HttpRequest.newBuilder(control.resolve("/readyz")).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(503);

            Run run = Run.of("get", origin.url("/app.bin"), "-o", target.toString(), "--agent", authority(lonely.controlAddress()));

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.err()).contains("not ready");
            assertThat(Files.readAllBytes(target)).isEqualTo(body);
        }
    }

    @Test
    void the_agent_command_exits_6_when_refused() throws Exception {
        Path wrong = Files.writeString(dir.resolve("wrong-secret"), "not-the-secret\n");

        Run run = java.util.concurrent.CompletableFuture.supplyAsync(() -> Run.of("agent",
                        "--supernode", "127.0.0.1:" + supernode.supernode().controlAddress().getPort(), "--room", "room-1",
                        "--data-dir", dir.resolve("refused").toString(), "--listen", "127.0.0.1:0",
                        "--control", "127.0.0.1:0", "--secret-file", wrong.toString(), "--node-id", "intruder"))
                .get(60, TimeUnit.SECONDS);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.err()).contains("wrong cluster secret");
    }

    private HttpResponse<String> postGet(Map<String, String> request) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(control("/api/v1/get")).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(request))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String getText(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(uri.toString()).isEqualTo(200);
        return r.body();
    }

    private URI control(String path) {
        return URI.create("http://" + authority(agent.controlAddress()) + path);
    }

    private static String authority(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
