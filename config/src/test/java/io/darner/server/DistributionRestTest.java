package io.darner.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.darner.engine.api.PeerConfig;
import io.darner.engine.api.TaskHandle;
import io.darner.engine.api.TaskResult;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.net.Transport;
import io.darner.engine.peer.PeerNode;
import io.darner.engine.supernode.Supernode;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tasks on real nodes: two peers of the P2P engine run in this JVM and join the server's
 * embedded supernode with its cluster secret, as agents do; an HTTP origin on loopback serves
 * the sources (a file, a 404, and one that stalls so that a task stays RUNNING).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DistributionRestTest extends RestTestBase {
    static final int SIZE = 3 << 20;

    @TempDir
    static Path dir;

    @Autowired
    Supernode embeddedSupernode;

    Transport transport;
    final List<PeerNode> peers = new ArrayList<>();
    HttpServer origin;
    ExecutorService originThreads;
    final CountDownLatch releaseStalled = new CountDownLatch(1);
    Path file;
    String digest;

    @BeforeAll
    void startOriginAndPeers() throws Exception {
        file = dir.resolve("origin").resolve("app.bin");
        Files.createDirectories(file.getParent());
        byte[] bytes = new byte[SIZE];
        new Random(42).nextBytes(bytes);
        Files.write(file, bytes);
        digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));

        originThreads = Executors.newCachedThreadPool();
        origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        origin.setExecutor(originThreads);
        origin.createContext("/app.bin", x -> reply(x, 200, Files.readAllBytes(file)));
        origin.createContext("/missing.bin", x -> reply(x, 404, "no such file".getBytes()));
        origin.createContext("/stalled.bin", this::stall);
        origin.start();
        // nodes write into existing directories only (agents: within --allow-dir)
        for (String node : List.of("rest-peer-1", "rest-peer-2")) {
            Files.createDirectories(dir.resolve("out").resolve(node));
            Files.createDirectories(dir.resolve("happy").resolve(node));
        }

        byte[] secret = ClusterSecretFile.loadOrCreate(DATA_DIR.resolve("cluster.secret"));
        transport = Transport.create(0);
        for (String id : List.of("rest-peer-1", "rest-peer-2")) {
            PeerConfig config = new PeerConfig(id, "default", dir.resolve(id), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    List.of(embeddedSupernode.controlAddress()), secret, 0, 0, 0, null);
            PeerNode peer = PeerNode.start(config, transport);
            peers.add(peer);
            peer.registration().get(20, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    void stopPeersAndOrigin() {
        releaseStalled.countDown();
        peers.forEach(PeerNode::close);
        if (transport != null) transport.close();
        if (origin != null) origin.stop(0);
        if (originThreads != null) originThreads.shutdownNow();
    }

    private static void reply(HttpExchange x, int status, byte[] body) throws IOException {
        x.sendResponseHeaders(status, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    /** Announces the whole file, sends its first 64 KiB and then nothing until the class ends. */
    private void stall(HttpExchange x) throws IOException {
        x.sendResponseHeaders(200, SIZE);
        OutputStream out = x.getResponseBody();
        out.write(Files.readAllBytes(file), 0, 64 << 10);
        out.flush();
        try {
            releaseStalled.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        x.close();
    }

    String url(String path) {
        return "http://127.0.0.1:" + origin.getAddress().getPort() + path;
    }

    Map<String, Object> request(String path, String... nodes) {
        Map<String, Object> req = laterTask(url(path), nodes);
        req.remove("startAt");
        req.put("target", dir.resolve("out").resolve("{node}").resolve("app.bin").toString());
        return req;
    }

    @Test
    void nodesListsThePeersThatJoined() {
        Res r = get("/nodes", admin());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("items")).extracting(n -> n.path("id").asText() + "/" + n.path("room").asText() + "/" + n.path("status").asText())
                .contains("rest-peer-1/default/ONLINE", "rest-peer-2/default/ONLINE");
    }

    @Test
    void aFileReachesBothNodesVerifiedAndIdentical() throws Exception {
        Map<String, Object> req = request("/app.bin", "rest-peer-1", "rest-peer-2");
        req.put("digest", digest);
        req.put("target", dir.resolve("happy").resolve("{node}").resolve("app.bin").toString());
        String id = create(req).path("id").asText();

        JsonNode t = awaitTask(id, TASK_WAIT, RestTestBase::finished);
        assertThat(t.path("state").asText()).as(t.toString()).isEqualTo("SUCCEEDED");
        assertThat(t.path("cause").asText()).isEqualTo("2/2 node(s) verified");
        assertThat(t.path("contentId").asText()).isEqualTo(digest);
        assertThat(t.path("sizeBytes").asLong()).isEqualTo(SIZE);
        assertThat(t.has("startedAt")).isTrue();
        assertThat(t.has("finishedAt")).isTrue();
        assertThat(t.path("seconds").asDouble()).isGreaterThanOrEqualTo(0.0);
        assertThat(t.path("summary").path("verified").asInt()).isEqualTo(2);
        assertThat(t.path("summary").path("successRate").asDouble()).isEqualTo(1.0);
        assertThat(t.path("summary").path("bytesVerified").asLong()).isEqualTo(2L * SIZE);
        assertThat(t.path("nodes")).hasSize(2).allSatisfy(n -> {
            assertThat(n.path("state").asText()).isEqualTo("VERIFIED");
            assertThat(n.path("verifiedBytes").asLong()).isEqualTo(SIZE);
            assertThat(n.path("progress").asDouble()).isEqualTo(1.0);
            assertThat(n.path("message").asText()).startsWith("verified " + digest + " at ");
        });
        for (String node : List.of("rest-peer-1", "rest-peer-2")) {
            Path target = dir.resolve("happy").resolve(node).resolve("app.bin");
            assertThat(target).isRegularFile();
            assertThat(Files.mismatch(file, target)).as("%s is identical to the source", target).isEqualTo(-1L);
        }

        JsonNode events = get("/tasks/" + id + "/events", admin()).json().path("events");
        List<String> states = new ArrayList<>();
        events.forEach(e -> {
            if (e.path("kind").asText().equals("state")) states.add(e.path("state").asText());
        });
        assertThat(states).containsExactly("PENDING", "SCHEDULED", "RUNNING", "VERIFYING", "SUCCEEDED");
        assertThat(events).filteredOn(e -> e.path("state").asText().equals("VERIFIED"))
                .extracting(e -> e.path("node").asText()).containsExactlyInAnyOrder("rest-peer-1", "rest-peer-2");
        assertThat(jdbc.queryForObject("select count(*) from audit_log where action = 'task:finish' and target = ?", Long.class, "task/" + id))
                .isEqualTo(1);

        // a finished task is listed by its state, cannot be stopped, and can be deleted
        assertThat(get("/tasks?state=SUCCEEDED&size=200", admin()).json().path("items")).extracting(i -> i.path("id").asText()).contains(id);
        assertRefused(post("/tasks/" + id + "/stop", admin(), null), 409, "id");
        assertThat(delete("/tasks/" + id, admin()).status()).isEqualTo(204);
    }

    @Test
    void aSourceThatAnswers404FailsTheTaskWithThatCause() {
        String id = create(request("/missing.bin", "rest-peer-1")).path("id").asText();

        JsonNode t = awaitTask(id, TASK_WAIT, RestTestBase::finished);
        assertThat(t.path("state").asText()).as(t.toString()).isEqualTo("FAILED");
        assertThat(t.path("cause").asText()).contains("0/1 node(s) verified").contains("404");
        JsonNode node = t.path("nodes").get(0);
        assertThat(node.path("state").asText()).isEqualTo("FAILED");
        assertThat(node.path("message").asText()).contains("404");

        JsonNode events = get("/tasks/" + id + "/events", admin()).json().path("events");
        assertThat(events).anySatisfy(e -> {
            assertThat(e.path("node").asText()).isEqualTo("rest-peer-1");
            assertThat(e.path("state").asText()).isEqualTo("FAILED");
            assertThat(e.path("cause").asText()).contains("404");
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.path("state").asText()).isEqualTo("FAILED");
            assertThat(e.has("node")).isFalse();
            assertThat(e.path("cause").asText()).contains("404");
        });
        assertThat(dir.resolve("out").resolve("rest-peer-1").resolve("app.bin")).doesNotExist();
    }

    @Test
    void aRunningTaskCannotBeDeletedButCanBeStopped() throws Exception {
        String id = create(request("/stalled.bin", "rest-peer-1")).path("id").asText();
        awaitTask(id, TASK_WAIT, t -> t.path("state").asText().equals("RUNNING")
                && t.path("nodes").get(0).path("state").asText().equals("RUNNING"));

        Snapshot before = snapshot();
        JsonNode body = assertRefused(delete("/tasks/" + id, admin()), 409, "id");
        assertThat(body.path("error").asText()).contains("RUNNING");
        assertThat(task(id).path("state").asText()).isEqualTo("RUNNING");
        assertThat(snapshot()).isEqualTo(before);
        assertThat(jdbc.queryForObject("select count(*) from audit_log where action = 'task:delete' and target = ?", Long.class, "task/" + id))
                .isZero();

        // the node runs it: the engine's task id is derived from the source (and digest)
        String engineTask = TaskSpec.of(url("/stalled.bin"), null, null).taskId();
        AtomicReference<TaskHandle> onNode = new AtomicReference<>();
        Awaitility.await().atMost(TASK_WAIT).until(() -> {
            peers.get(0).task(engineTask).ifPresent(onNode::set);
            return onNode.get() != null;
        });
        assertThat(onNode.get().result()).isNotDone();

        Res stopped = post("/tasks/" + id + "/stop", admin(), null);
        assertThat(stopped.status()).as(stopped.toString()).isEqualTo(200);
        assertThat(stopped.json().path("state").asText()).isEqualTo("STOPPED");
        assertThat(stopped.json().path("nodes").get(0).path("state").asText()).isEqualTo("STOPPED");
        assertThat(task(id).path("state").asText()).isEqualTo("STOPPED");
        // and the node cancels
        TaskResult cancelled = onNode.get().result().get(TASK_WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(cancelled.success()).as(cancelled.toString()).isFalse();
        assertThat(cancelled.message()).as(cancelled.toString()).contains("stopped by admin");
        assertThat(task(id).path("state").asText()).isEqualTo("STOPPED");
        assertThat(delete("/tasks/" + id, admin()).status()).isEqualTo(204);
    }
}
