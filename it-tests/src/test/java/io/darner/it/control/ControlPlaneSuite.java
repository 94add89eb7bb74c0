package io.darner.it.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.darner.it.support.Await;
import io.darner.it.support.Http;
import io.darner.it.support.TestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The control plane end to end, over real processes: the server (REST API, Camel lifecycle,
 * embedded supernode) and three agent processes, on the database a subclass names. Two agents
 * download at 16 MB/s, the third at 2 MB/s, so that a task is reliably mid-run on it for a while.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ControlPlaneSuite {
    private static final Duration TASK = Duration.ofMinutes(3);
    private ControlPlane cp;

    @RegisterExtension
    final TestWatcher logsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (cp != null) System.err.println(cp.logs());
        }
    };

    abstract Database database();

    @BeforeAll
    void start() throws Exception {
        cp = new ControlPlane(database()); // assigned first: @AfterAll stops whatever started, even if startup fails
        cp.startServer();
        cp.agent("node-a", "--download-rate", "16MB/s");
        cp.agent("node-b", "--download-rate", "16MB/s");
        cp.agent("node-c", "--download-rate", "2MB/s");
        cp.awaitNodes(3);
    }

    @AfterAll
    void stop() {
        if (cp != null) cp.close();
    }

    @Test
    void a_task_succeeds_only_when_every_node_verified_the_file_at_its_target_and_copy_runs_it_again() throws Exception {
        Path source = TestFiles.random(cp.dir.resolve("release-1.bin"), 16L << 20, 1);
        String digest = TestFiles.sha256(source);
        String id = cp.createTask(source.toUri().toString(), digest, "release-1.bin");

        JsonNode t = cp.awaitFinished(id, TASK);
        assertThat(t.path("state").asText()).as(cp.eventCauses(id).toString()).isEqualTo("SUCCEEDED");
        assertThat(t.path("summary").path("verified").asInt()).isEqualTo(3);
        assertThat(t.path("summary").path("successRate").asDouble()).isEqualTo(1.0);
        assertThat(t.path("contentId").asText()).isEqualTo(digest);
        for (JsonNode n : t.path("nodes")) {
            assertThat(n.path("state").asText()).isEqualTo("VERIFIED");
            assertThat(n.path("message").asText()).contains(digest);
            Path target = cp.outDir().resolve(n.path("id").asText()).resolve("release-1.bin");
            assertThat(TestFiles.sha256(target)).as("target of " + n.path("id").asText()).isEqualTo(digest);
        }
        assertThat(cp.eventCauses(id)).anyMatch(e -> e.startsWith("RUNNING")).anyMatch(e -> e.startsWith("VERIFYING"))
                .anyMatch(e -> e.startsWith("SUCCEEDED") && e.contains("3/3"));

        // copy: the same inputs run again as a new task
        Http.Response copy = cp.post("/api/v1/tasks/" + id + "/copy", null);
        assertThat(copy.status()).as(copy.body()).isEqualTo(201);
        String copyId = copy.json().path("id").asText();
        assertThat(copyId).isNotEqualTo(id);
        assertThat(copy.json().path("copiedFrom").asText()).isEqualTo(id);
        assertThat(copy.json().path("source").asText()).isEqualTo(source.toUri().toString());
        JsonNode again = cp.awaitFinished(copyId, TASK);
        assertThat(again.path("state").asText()).as(cp.eventCauses(copyId).toString()).isEqualTo("SUCCEEDED");
        assertThat(again.path("summary").path("verified").asInt()).isEqualTo(3);
    }

    @Test
    void stopping_a_running_task_stops_it_and_its_agents_cancel() throws Exception {
        Path source = TestFiles.random(cp.dir.resolve("release-2.bin"), 48L << 20, 2);
        String id = cp.createTask(source.toUri().toString(), TestFiles.sha256(source), "release-2.bin");
        Await.until("node-c to be mid-transfer", TASK, () -> {
            JsonNode c = node(cp.task(id), "node-c");
            return "RUNNING".equals(c.path("state").asText()) && c.path("verifiedBytes").asLong() > 0;
        });

        Http.Response stop = cp.post("/api/v1/tasks/" + id + "/stop", null);
        assertThat(stop.status()).as(stop.body()).isEqualTo(200);
        assertThat(stop.json().path("state").asText()).isEqualTo("STOPPED");
        assertThat(node(stop.json(), "node-c").path("state").asText()).isEqualTo("STOPPED");
        assertThat(cp.eventCauses(id)).anyMatch(e -> e.startsWith("STOPPED") && e.contains("stopped by admin"));

        // the agent cancels: it says so, and no file appears at its target
        ControlPlane.Agent c = cp.agentNamed("node-c");
        c.process().awaitLog("cancelled: stopped by admin", Duration.ofSeconds(30));
        assertThat(cp.outDir().resolve("node-c").resolve("release-2.bin")).doesNotExist();
        // a stopped task stays stopped, and stopping it again is refused
        assertThat(cp.task(id).path("state").asText()).isEqualTo("STOPPED");
        assertThat(cp.post("/api/v1/tasks/" + id + "/stop", null).status()).isEqualTo(409);
    }

    @Test
    void a_server_killed_and_restarted_mid_task_continues_to_a_correct_end_without_asking_verified_nodes_again() throws Exception {
        Path source = TestFiles.random(cp.dir.resolve("release-3.bin"), 64L << 20, 3);
        String digest = TestFiles.sha256(source);
        String id = cp.createTask(source.toUri().toString(), digest, "release-3.bin");
        Await.until("node-a and node-b verified while node-c is still running", TASK, () -> {
            JsonNode t = cp.task(id);
            return "VERIFIED".equals(node(t, "node-a").path("state").asText()) && "VERIFIED".equals(node(t, "node-b").path("state").asText());
        });
        assertThat(node(cp.task(id), "node-c").path("state").asText()).isEqualTo("RUNNING");

        cp.killServer(); // a crash: the old server can record nothing more, so what follows is the new one's doing
        cp.startServer();

        JsonNode t = cp.awaitFinished(id, TASK);
        List<String> events = cp.eventCauses(id);
        assertThat(t.path("state").asText()).as(events.toString()).isEqualTo("SUCCEEDED");
        assertThat(events).as("only the unfinished node is handed out again")
                .anyMatch(e -> e.contains("handed out again after a control-plane restart: 1 node(s)"));
        assertThat(events.stream().filter(e -> e.startsWith("VERIFIED node-a"))).hasSize(1);
        for (String n : List.of("node-a", "node-b", "node-c")) {
            assertThat(TestFiles.sha256(cp.outDir().resolve(n).resolve("release-3.bin"))).as(n).isEqualTo(digest);
        }
    }

    @Test
    void a_source_that_answers_404_fails_the_task_with_that_cause_in_its_events() throws Exception {
        Path missing = cp.dir.resolve("not-there.bin");
        assertThat(Files.exists(missing)).isFalse();
        String body = "{\"source\":\"" + missing.toUri() + "\",\"nodes\":[{\"id\":\"node-a\"}],\"target\":\""
                + cp.outDir().resolve("node-a").resolve("not-there.bin") + "\"}";
        Http.Response r = cp.post("/api/v1/tasks", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String id = r.json().path("id").asText();
        JsonNode t = cp.awaitFinished(id, TASK);
        assertThat(t.path("state").asText()).isEqualTo("FAILED");
        assertThat(cp.eventCauses(id)).anyMatch(e -> e.startsWith("FAILED node-a") && e.contains("not-there.bin"));
    }

    private static JsonNode node(JsonNode task, String id) {
        for (JsonNode n : task.path("nodes")) if (id.equals(n.path("id").asText())) return n;
        throw new AssertionError("task has no node " + id + ": " + task);
    }
}
