package io.darner.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tasks through the API: create, get, list (filters, paging), stop, delete, copy, events. The
 * tasks here target nodes that are not running and start a day from now (copies start now and
 * are stopped at once), so they exercise the control plane only; {@link DistributionRestTest}
 * runs tasks on real nodes.
 */
class TaskRestTest extends RestTestBase {
    static final String DIGEST = "sha256:" + "ab".repeat(32);

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void createAnswers201WithTheScheduledTaskAndWritesItWithItsEvents() {
        Map<String, Object> req = laterTask("http://origin.example/app.tar", "node-b", "node-a");
        req.put("digest", DIGEST.toUpperCase().replace("SHA256:", "sha256:"));
        req.put("rate", "50MB/s");
        JsonNode t = create(req);
        String id = t.path("id").asText();
        assertThat(UUID.fromString(id)).isNotNull();
        assertThat(t.path("state").asText()).isEqualTo("SCHEDULED");
        assertThat(t.path("cause").asText()).startsWith("starts at ");
        assertThat(t.path("source").asText()).isEqualTo("http://origin.example/app.tar");
        assertThat(t.path("digest").asText()).isEqualTo(DIGEST);
        assertThat(t.path("target").asText()).isEqualTo("/opt/darner-test/{node}/app.bin");
        assertThat(t.path("rateBytesPerSecond").asLong()).isEqualTo(50_000_000L);
        assertThat(Instant.parse(t.path("startAt").asText())).isEqualTo(Instant.parse((String) req.get("startAt")));
        assertThat(t.path("createdBy").asText()).isEqualTo("admin");
        assertThat(t.has("startedAt")).isFalse();
        assertThat(t.has("finishedAt")).isFalse();
        assertThat(t.path("summary").path("nodes").asInt()).isEqualTo(2);
        assertThat(t.path("summary").path("pending").asInt()).isEqualTo(2);
        assertThat(t.path("summary").path("successRate").asDouble()).isEqualTo(0.0);
        assertThat(t.path("nodes")).extracting(n -> n.path("id").asText()).containsExactly("node-a", "node-b");
        assertThat(t.path("nodes")).allSatisfy(n -> {
            assertThat(n.path("room").asText()).isEqualTo("default");
            assertThat(n.path("state").asText()).isEqualTo("PENDING");
            assertThat(n.path("verifiedBytes").asLong()).isZero();
        });

        assertThat(taskStore.find(id)).hasValueSatisfying(row -> assertThat(row.state().name()).isEqualTo("SCHEDULED"));
        assertThat(taskStore.nodes(id)).hasSize(2);
        assertThat(taskStore.events(id)).extracting(e -> e.state()).containsExactly("PENDING", "SCHEDULED");
        assertThat(jdbc.queryForObject("select count(*) from audit_log where action = 'task:create' and target = ? and actor = 'admin'",
                Long.class, "task/" + id)).isEqualTo(1);
    }

    @Test
    void createFromAFileVersionToAClusterTakesTheirSourceDigestAndNodes() {
        String cluster = unique("tasks-c");
        String file = unique("pkg");
        assertThat(postJson("/clusters", admin(), Map.of("name", cluster, "nodes",
                List.of(Map.of("id", "c-node-1"), Map.of("id", "c-node-2", "room", "default")))).status()).isEqualTo(201);
        assertThat(postJson("/files", admin(), Map.of("name", file, "version", "1.0", "source", "https://origin.example/pkg-1.0.tgz",
                "digest", DIGEST, "sizeBytes", 1234)).status()).isEqualTo(201);

        Map<String, Object> req = laterTask(null);
        req.remove("source");
        req.remove("nodes");
        req.put("file", file + "@1.0");
        req.put("cluster", cluster);
        JsonNode t = create(req);
        assertThat(t.path("file").asText()).isEqualTo(file + "@1.0");
        assertThat(t.path("source").asText()).isEqualTo("https://origin.example/pkg-1.0.tgz");
        assertThat(t.path("digest").asText()).isEqualTo(DIGEST);
        assertThat(t.path("cluster").asText()).isEqualTo(cluster);
        assertThat(t.path("nodes")).extracting(n -> n.path("id").asText()).containsExactly("c-node-1", "c-node-2");
        stop(t.path("id").asText());
    }

    @Test
    void getAnswersTheTask() {
        String id = create(laterTask("http://origin.example/get.bin", "get-node")).path("id").asText();
        JsonNode t = task(id);
        assertThat(t.path("id").asText()).isEqualTo(id);
        assertThat(t.path("state").asText()).isEqualTo("SCHEDULED");
        assertThat(t.path("nodes")).hasSize(1);
        assertThat(t.path("summary").path("nodes").asInt()).isEqualTo(1);
        stop(id);
    }

    @Test
    void listFiltersByStateClusterAndCreatorAndPages() {
        String cluster = unique("list-c");
        assertThat(postJson("/clusters", admin(), Map.of("name", cluster, "nodes", List.of(Map.of("id", "l-node")))).status()).isEqualTo(201);
        Set<String> mine = new HashSet<>();
        for (int i = 0; i < 3; i++) mine.add(create(clusterTask(cluster)).path("id").asText());
        Res other = postJson("/tasks", tokenOf("second-admin", "admin"), clusterTask(cluster));
        assertThat(other.status()).as(other.toString()).isEqualTo(201);
        String byOther = other.json().path("id").asText();

        JsonNode all = list("?cluster=" + cluster);
        assertThat(all.path("total").asLong()).isEqualTo(4);
        assertThat(all.path("page").asInt()).isZero();
        assertThat(all.path("size").asInt()).isEqualTo(20);
        assertThat(ids(all)).containsExactlyInAnyOrderElementsOf(union(mine, Set.of(byOther)));
        List<Instant> created = new ArrayList<>();
        all.path("items").forEach(i -> created.add(Instant.parse(i.path("createdAt").asText())));
        assertThat(created).isSortedAccordingTo((a, b) -> b.compareTo(a)); // newest first
        JsonNode brief = all.path("items").get(0);
        assertThat(brief.path("state").asText()).isEqualTo("SCHEDULED");
        assertThat(brief.path("cluster").asText()).isEqualTo(cluster);
        assertThat(brief.has("nodes")).isFalse();

        JsonNode byCreator = list("?cluster=" + cluster + "&creator=second-admin");
        assertThat(byCreator.path("total").asLong()).isEqualTo(1);
        assertThat(ids(byCreator)).containsExactly(byOther);
        assertThat(list("?cluster=" + cluster + "&creator=admin").path("total").asLong()).isEqualTo(3);

        JsonNode p0 = list("?cluster=" + cluster + "&size=3&page=0");
        JsonNode p1 = list("?cluster=" + cluster + "&size=3&page=1");
        JsonNode p2 = list("?cluster=" + cluster + "&size=3&page=2");
        assertThat(p0.path("items")).hasSize(3);
        assertThat(p1.path("items")).hasSize(1);
        assertThat(p2.path("items")).isEmpty();
        assertThat(p1.path("total").asLong()).isEqualTo(4);
        assertThat(p1.path("page").asInt()).isEqualTo(1);
        assertThat(p1.path("size").asInt()).isEqualTo(3);
        assertThat(union(ids(p0), ids(p1))).containsExactlyInAnyOrderElementsOf(ids(all));

        stop(byOther);
        assertThat(ids(list("?cluster=" + cluster + "&state=STOPPED"))).containsExactly(byOther);
        assertThat(ids(list("?cluster=" + cluster + "&state=scheduled"))).containsExactlyInAnyOrderElementsOf(mine);
        assertThat(ids(list("?state=STOPPED&size=200"))).contains(byOther);
        assertThat(list("?cluster=no-such-cluster").path("total").asLong()).isZero();
        mine.forEach(this::stop);
    }

    @Test
    void listRefusesBadParameters() {
        assertRefused(get("/tasks?state=DONE", admin()), 400, "state");
        assertRefused(get("/tasks?page=-1", admin()), 400, "page");
        assertRefused(get("/tasks?size=0", admin()), 400, "size");
        assertRefused(get("/tasks?size=201", admin()), 400, "size");
        assertRefused(get("/tasks?size=ten", admin()), 400, "size");
    }

    @Test
    void stopStopsTheTaskAndItsNodes() {
        String id = create(laterTask("http://origin.example/stop.bin", "stop-1", "stop-2")).path("id").asText();
        Res r = post("/tasks/" + id + "/stop", admin(), null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode t = r.json();
        assertThat(t.path("state").asText()).isEqualTo("STOPPED");
        assertThat(t.path("cause").asText()).isEqualTo("stopped by admin");
        assertThat(t.has("finishedAt")).isTrue();
        assertThat(t.path("summary").path("stopped").asInt()).isEqualTo(2);
        assertThat(t.path("nodes")).allSatisfy(n -> {
            assertThat(n.path("state").asText()).isEqualTo("STOPPED");
            assertThat(n.path("message").asText()).isEqualTo("stopped by admin");
        });
        assertThat(task(id).path("state").asText()).isEqualTo("STOPPED");
        assertThat(taskStore.events(id)).anySatisfy(e -> {
            assertThat(e.state()).isEqualTo("STOPPED");
            assertThat(e.nodeId()).isNull();
        });
        assertThat(jdbc.queryForObject("select count(*) from audit_log where action = 'task:stop' and target = ?", Long.class, "task/" + id))
                .isEqualTo(1);
    }

    @Test
    void deleteRemovesAStoppedTaskWithItsNodesAndEvents() {
        String id = create(laterTask("http://origin.example/delete.bin", "del-1")).path("id").asText();
        stop(id);
        Res r = delete("/tasks/" + id, admin());
        assertThat(r.status()).as(r.toString()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
        assertRefused(get("/tasks/" + id, admin()), 404, "id");
        assertThat(jdbc.queryForObject("select count(*) from task_nodes where task_id = ?", Long.class, id)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from task_events where task_id = ?", Long.class, id)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from audit_log where action = 'task:delete' and target = ?", Long.class, "task/" + id))
                .isEqualTo(1);
        assertRefused(delete("/tasks/" + id, admin()), 404, "id");
    }

    @Test
    void copyRunsAgainWithTheSameInputs() {
        Map<String, Object> req = laterTask("http://origin.example/copy.bin", "copy-1", "copy-2");
        req.put("digest", DIGEST);
        req.put("rate", 1_000_000);
        String id = create(req).path("id").asText();
        stop(id);

        Res r = post("/tasks/" + id + "/copy", admin(), null);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        JsonNode copy = r.json();
        String copyId = copy.path("id").asText();
        try {
            assertThat(copyId).isNotEqualTo(id);
            assertThat(copy.path("copiedFrom").asText()).isEqualTo(id);
            assertThat(copy.path("source").asText()).isEqualTo("http://origin.example/copy.bin");
            assertThat(copy.path("digest").asText()).isEqualTo(DIGEST);
            assertThat(copy.path("target").asText()).isEqualTo("/opt/darner-test/{node}/app.bin");
            assertThat(copy.path("rateBytesPerSecond").asLong()).isEqualTo(1_000_000);
            assertThat(copy.has("startAt")).as("a copy starts now").isFalse();
            assertThat(copy.path("nodes")).extracting(n -> n.path("id").asText()).containsExactly("copy-1", "copy-2");
            assertThat(copy.path("nodes")).allSatisfy(n -> assertThat(n.path("state").asText()).isEqualTo("PENDING"));
            assertThat(taskStore.events(copyId).get(0).cause()).isEqualTo("copied from " + id + " by admin for 2 node(s)");
            assertThat(jdbc.queryForObject("select count(*) from audit_log where action = 'task:copy' and target = ?", Long.class, "task/" + copyId))
                    .isEqualTo(1);
            assertThat(task(id).path("state").asText()).as("the original is untouched").isEqualTo("STOPPED");
        } finally {
            stop(copyId);
        }
    }

    @Test
    void eventsAreTheTaskLogInOrder() {
        String id = create(laterTask("http://origin.example/events.bin", "ev-1")).path("id").asText();
        stop(id);
        Res r = get("/tasks/" + id + "/events", admin());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("taskId").asText()).isEqualTo(id);
        JsonNode events = r.json().path("events");
        assertThat(events).extracting(e -> e.path("seq").asInt()).containsExactly(1, 2, 3, 4);
        assertThat(events).extracting(e -> e.path("kind").asText() + ":" + e.path("state").asText() + ":" + e.path("node").asText(""))
                .containsExactly("state:PENDING:", "state:SCHEDULED:", "state:STOPPED:", "node:STOPPED:ev-1");
        assertThat(events.get(0).path("cause").asText()).isEqualTo("created by admin for 1 node(s)");
        assertThat(events).allSatisfy(e -> assertThat(Instant.parse(e.path("at").asText())).isBeforeOrEqualTo(Instant.now()));
    }

    // ---- helpers

    Map<String, Object> clusterTask(String cluster) {
        Map<String, Object> req = laterTask("http://origin.example/list.bin");
        req.remove("nodes");
        req.put("cluster", cluster);
        return req;
    }

    JsonNode list(String query) {
        Res r = get("/tasks" + query, admin());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("items").forEach(i -> ids.add(i.path("id").asText()));
        return ids;
    }

    static Set<String> union(java.util.Collection<String> a, java.util.Collection<String> b) {
        Set<String> s = new HashSet<>(a);
        s.addAll(b);
        return s;
    }

    void stop(String id) {
        Res r = post("/tasks/" + id + "/stop", admin(), null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
}
