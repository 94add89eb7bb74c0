package io.darner.routes;

import com.fasterxml.jackson.databind.JsonNode;
import io.darner.engine.api.TaskResult;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.peer.PeerNode;
import io.darner.processors.store.NodeState;
import io.darner.processors.store.TaskState;
import org.apache.camel.builder.NotifyBuilder;
import io.darner.processors.store.AuditStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code api-*} entry routes, called through the REST DSL as a client calls them: every
 * operation authenticates and authorizes, changes are audited, errors are JSON naming the field,
 * and a task created here runs through the whole lifecycle on real supernode and peers.
 */
class ApiRoutesTest extends LifecycleTestSupport {

    @BeforeEach
    void startContext() throws Exception {
        start();
    }

    private static void assertError(InMemoryRest.Response r, int status, String field) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        JsonNode j = r.json();
        assertThat(j.get("status").asInt()).isEqualTo(status);
        assertThat(j.get("error").asText()).isNotBlank();
        assertThat(j.get("fix").asText()).isNotBlank();
        if (field != null) assertThat(j.get("field").asText()).isEqualTo(field);
    }

    @Test
    void healthIsTheOnlyAnonymousOperation() throws Exception {
        InMemoryRest.Response health = call("GET", "/api/v1/health", null, null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("UP");
        assertThat(health.json().get("rooms").toString()).isEqualTo("[\"default\"]");

        List<String> open = new ArrayList<>();
        for (String op : h.rest.bound()) {
            String verb = op.substring(0, op.indexOf(' '));
            String path = op.substring(op.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "x");
            if (path.equals("/api/v1/health") || path.equals("/api/v1/auth/login")) continue;
            InMemoryRest.Response r = call(verb, path, null, verb.equals("GET") || verb.equals("DELETE") ? null : "{}");
            if (r.status() != 401) open.add(op + " -> " + r);
            else assertThat(r.json().get("field").asText()).isEqualTo("Authorization");
        }
        assertThat(open).as("operations that answered without a token").isEmpty();
        assertThat(h.rest.bound()).hasSize(38);
    }

    @Test
    void aNamedTokenIsIssuedAndWorks() throws Exception {
        InMemoryRest.Response r = call("POST", "/api/v1/auth/tokens", "{\"name\":\"ci-release\"}");
        assertThat(r.status()).isEqualTo(201);
        String token = r.json().get("token").asText();
        assertThat(token).startsWith("drn_");
        assertThat(r.json().has("expiresInSeconds")).isFalse();
        assertThat(call("GET", "/api/v1/auth/me", token, null).json().get("username").asText()).isEqualTo("alice");
        assertError(call("POST", "/api/v1/auth/tokens", "{\"name\":\"\"}"), 400, "name");
        assertError(call("POST", "/api/v1/auth/login", null, "{\"username\":\"alice\"}"), 400, "password");
    }

    @Test
    void aTaskCreatedThroughTheApiRunsToSucceededAndIsVisibleAsAUserExpects() throws Exception {
        h.peer("n1");
        h.peer("n2");
        Path src = h.sourceFile("app.bin", 400_000);
        String digest = LifecycleHarness.digest(src);
        assertThat(call("POST", "/api/v1/clusters", "{\"name\":\"prod\",\"nodes\":[{\"id\":\"n1\"},{\"id\":\"n2\",\"room\":\"default\"}]}").status()).isEqualTo(201);
        assertThat(call("POST", "/api/v1/files", "{\"name\":\"app\",\"version\":\"1.0\",\"source\":\"" + LifecycleHarness.url(src)
                + "\",\"digest\":\"" + digest + "\",\"sizeBytes\":400000}").status()).isEqualTo(201);

        NotifyBuilder finished = whenTasksFinished(1);
        InMemoryRest.Response created = call("POST", "/api/v1/tasks", "{\"file\":\"app@1.0\",\"cluster\":\"prod\",\"target\":\"" + h.target() + "\"}");
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(created.json().get("digest").asText()).isEqualTo(digest);
        await(finished, "the task finished");

        JsonNode t = call("GET", "/api/v1/tasks/" + id, viewerToken, null).json();
        assertThat(t.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(t.get("file").asText()).isEqualTo("app@1.0");
        assertThat(t.get("cluster").asText()).isEqualTo("prod");
        assertThat(t.get("contentId").asText()).isEqualTo(digest);
        assertThat(t.get("summary").get("verified").asInt()).isEqualTo(2);
        assertThat(t.get("summary").get("successRate").asDouble()).isEqualTo(1.0);
        assertThat(t.get("summary").get("bytesVerified").asLong()).as("%s", t).isEqualTo(800_000L);
        for (JsonNode n : t.get("nodes")) {
            assertThat(n.get("state").asText()).isEqualTo("VERIFIED");
            assertThat(n.get("progress").asDouble()).isEqualTo(1.0);
        }
        assertThat(Files.mismatch(h.targetOf("n2"), src)).isEqualTo(-1L);

        JsonNode events = call("GET", "/api/v1/tasks/" + id + "/events", null).json().get("events");
        List<String> states = new ArrayList<>();
        events.forEach(e -> { if (e.has("state") && !e.has("node")) states.add(e.get("state").asText()); });
        assertThat(states).containsExactly("PENDING", "SCHEDULED", "RUNNING", "VERIFYING", "SUCCEEDED");

        JsonNode listed = call("GET", "/api/v1/tasks?state=succeeded&cluster=prod&creator=alice", null).json();
        assertThat(listed.get("total").asLong()).isEqualTo(1);
        assertThat(listed.get("items").get(0).get("id").asText()).isEqualTo(id);
        assertThat(call("GET", "/api/v1/tasks?state=RUNNING", null).json().get("total").asLong()).isZero();

        assertError(call("POST", "/api/v1/tasks/" + id + "/stop", null), 409, "id");

        // run again: a new task with the same inputs, to the same end
        NotifyBuilder again = whenTasksFinished(1);
        InMemoryRest.Response copy = call("POST", "/api/v1/tasks/" + id + "/copy", null);
        assertThat(copy.status()).as("%s", copy).isEqualTo(201);
        String copyId = copy.json().get("id").asText();
        assertThat(copyId).isNotEqualTo(id);
        assertThat(copy.json().get("copiedFrom").asText()).isEqualTo(id);
        await(again, "the copy finished");
        JsonNode copied = call("GET", "/api/v1/tasks/" + copyId, null).json();
        // (its nodes already hold the content: the engine reports no progress, so no bytes show; see the route-tests report)
        assertThat(copied.get("state").asText()).isEqualTo("SUCCEEDED");

        assertThat(call("DELETE", "/api/v1/tasks/" + id, null).status()).isEqualTo(204);
        assertError(call("GET", "/api/v1/tasks/" + id, null), 404, "id");

        JsonNode audit = call("GET", "/api/v1/audit?limit=100", viewerToken, null).json().get("items");
        List<String> actions = new ArrayList<>();
        audit.forEach(a -> {
            if (a.get("outcome").asText().equals("ok")) actions.add(a.get("action").asText());
        });
        assertThat(actions).containsExactlyInAnyOrder("cluster:create", "file:create", "task:create", "task:finish", "task:copy",
                "task:finish", "task:delete");
    }

    @Test
    void aTaskThatIsNotFinishedCannotBeDeletedButCanBeStopped() throws Exception {
        String id = createTask(taskJson("https://origin.example/app.tar", null, "not-joined")); // waits for its node
        assertError(call("DELETE", "/api/v1/tasks/" + id, null), 409, "id");
        InMemoryRest.Response stopped = call("POST", "/api/v1/tasks/" + id + "/stop", null);
        assertThat(stopped.status()).isEqualTo(200);
        assertThat(stopped.json().get("state").asText()).isEqualTo("STOPPED");
        assertThat(stopped.json().get("cause").asText()).isEqualTo("stopped by alice");
        assertThat(stopped.json().get("nodes").get(0).get("state").asText()).isEqualTo("STOPPED");
        assertThat(call("DELETE", "/api/v1/tasks/" + id, null).status()).isEqualTo(204);
    }

    @Test
    void stoppingARunningTaskCancelsItsAgents() throws Exception {
        PeerNode slow = h.peer("slow", LifecycleHarness.ROOM, 256 * 1024);
        Path src = h.sourceFile("big.bin", 8 * 1024 * 1024);
        String digest = LifecycleHarness.digest(src);
        // the first progress report: the node has joined the swarm and is downloading
        NotifyBuilder downloading = new NotifyBuilder(context).fromRoute("track").whenDone(1).create();
        String id = createTask(taskJson(LifecycleHarness.url(src), digest, "slow"));
        await(downloading, "the node reported progress");
        assertThat(task(id).state()).isEqualTo(TaskState.RUNNING);

        InMemoryRest.Response stopped = call("POST", "/api/v1/tasks/" + id + "/stop", null);
        assertThat(stopped.status()).isEqualTo(200);
        assertThat(stopped.json().get("state").asText()).isEqualTo("STOPPED");
        TaskResult onNode = slow.task(TaskSpec.of(LifecycleHarness.url(src), digest, null).taskId()).orElseThrow()
                .result().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(onNode.success()).isFalse();
        assertThat(onNode.message()).startsWith("cancelled: stopped by alice");
        assertThat(Files.exists(h.targetOf("slow"))).as("no partial file at the target").isFalse();
        assertThat(task(id).state()).isEqualTo(TaskState.STOPPED);
        assertThat(nodes(id).get("slow").state()).isEqualTo(NodeState.STOPPED);
    }

    @Test
    void unknownIdsAre404AndBadParametersAre400() throws Exception {
        for (String[] op : new String[][] {{"GET", ""}, {"POST", "/stop"}, {"DELETE", ""}, {"POST", "/copy"}, {"GET", "/events"}}) {
            assertError(call(op[0], "/api/v1/tasks/no-such-task" + op[1], null), 404, "id");
        }
        assertError(call("GET", "/api/v1/clusters/none", null), 404, "name");
        assertError(call("GET", "/api/v1/files/none/1.0", null), 404, "version");
        assertError(call("GET", "/api/v1/tasks?state=bogus", null), 400, "state");
        assertError(call("GET", "/api/v1/tasks?size=0", null), 400, "size");
        assertError(call("GET", "/api/v1/tasks?page=x", null), 400, "page");
        assertError(call("GET", "/api/v1/audit?limit=5000", null), 400, "limit");
        // the refused changes (stop, delete, copy) are audited; the reads are not
        assertThat(h.audit.latest(10)).extracting(AuditStore.Entry::outcome).containsOnly("refused").hasSize(3);
    }

    @Test
    void clustersAndFileVersionsAreManagedAndRefusedInputNamesTheField() throws Exception {
        assertThat(call("POST", "/api/v1/clusters", "{\"name\":\"prod\",\"nodes\":[{\"id\":\"n1\",\"room\":\"r1\"}]}").status()).isEqualTo(201);
        assertError(call("POST", "/api/v1/clusters", "{\"name\":\"prod\",\"nodes\":[{\"id\":\"n1\"}]}"), 409, "name");
        assertError(call("POST", "/api/v1/clusters", "{\"name\":\"k\",\"kind\":\"kubernetes\",\"nodes\":[{\"id\":\"n1\"}]}"), 400, "kind");
        assertError(call("POST", "/api/v1/clusters", "{\"name\":\"e\",\"nodes\":[]}"), 400, "nodes");
        JsonNode c = call("GET", "/api/v1/clusters/prod", viewerToken, null).json();
        assertThat(c.get("nodes").get(0).get("room").asText()).isEqualTo("r1");
        // a cluster in a room no supernode serves cannot be a task's target
        assertError(call("POST", "/api/v1/tasks", "{\"source\":\"https://o/a\",\"target\":\"/a\",\"cluster\":\"prod\"}"), 400, "cluster");

        assertThat(call("POST", "/api/v1/files", "{\"name\":\"tools-app\",\"version\":\"2.1+b7\",\"source\":\"https://o/app.tar\"}").status()).isEqualTo(201);
        assertError(call("POST", "/api/v1/files", "{\"name\":\"tools-app\",\"version\":\"2.1+b7\",\"source\":\"https://o/app.tar\"}"), 409, "version");
        assertError(call("POST", "/api/v1/files", "{\"name\":\"x\",\"version\":\"1\",\"source\":\"gopher://o/a\"}"), 400, "source");
        assertError(call("POST", "/api/v1/files", "{\"name\":\"x\",\"version\":\"1\",\"source\":\"https://o/a\",\"sizeBytes\":-1}"), 400, "sizeBytes");
        assertThat(call("GET", "/api/v1/files?name=tools-app", null).json().get("items")).hasSize(1);
        assertThat(call("GET", "/api/v1/files/tools-app/2.1+b7", null).json().get("source").asText()).isEqualTo("https://o/app.tar");
        assertError(call("POST", "/api/v1/files", "{\"name\":\"tools/app\",\"version\":\"1\",\"source\":\"https://o/a\"}"), 400, "name");
        assertThat(call("GET", "/api/v1/clusters", viewerToken, null).json().get("items")).hasSize(1);
    }

    @Test
    void theNodesTheSupernodeSeesAreListed() throws Exception {
        h.peer("n1");
        h.peer("n2");
        JsonNode items = call("GET", "/api/v1/nodes", viewerToken, null).json().get("items");
        assertThat(items).hasSize(2);
        assertThat(items.get(0).get("id").asText()).isEqualTo("n1");
        assertThat(items.get(1).get("room").asText()).isEqualTo("default");
        assertThat(items.get(1).get("status").asText()).isEqualTo("ONLINE");
    }
}
