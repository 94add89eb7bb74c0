package io.darner.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each bad input to the task API answers 4xx with a JSON body naming the field and the fix,
 * and writes nothing: no task, node or cluster row, no audit of a create.
 */
class BadInputRestTest extends RestTestBase {

    /** POSTs {@code request} to /tasks and asserts the refusal, and that nothing was written. */
    JsonNode refusedCreate(Object request, int status, String field) {
        Snapshot before = snapshot();
        Res r = request instanceof String raw ? post("/tasks", admin(), raw) : postJson("/tasks", admin(), request);
        JsonNode body = assertRefused(r, status, field);
        assertThat(snapshot()).as("nothing written").isEqualTo(before);
        return body;
    }

    static Map<String, Object> valid() {
        return laterTask("http://origin.example/app.bin", "bad-input-node");
    }

    static Map<String, Object> with(String field, Object value) {
        Map<String, Object> m = valid();
        if (value == null) m.remove(field);
        else m.put(field, value);
        return m;
    }

    @Test
    void theValidRequestTheseStartFromIsAccepted() {
        JsonNode t = create(valid());
        assertThat(post("/tasks/" + t.path("id").asText() + "/stop", admin(), null).status()).isEqualTo(200);
    }

    @Test
    void unknownCluster() {
        Map<String, Object> req = with("nodes", null);
        req.put("cluster", "no-such-cluster");
        JsonNode body = refusedCreate(req, 400, "cluster");
        assertThat(body.path("error").asText()).contains("no-such-cluster");
    }

    @Test
    void aClusterWhoseRoomNoSupernodeServes() {
        String cluster = TaskRestTest.unique("far");
        assertThat(postJson("/clusters", admin(), Map.of("name", cluster, "nodes", List.of(Map.of("id", "f-1", "room", "moon")))).status())
                .isEqualTo(201);
        Map<String, Object> req = with("nodes", null);
        req.put("cluster", cluster);
        JsonNode body = refusedCreate(req, 400, "cluster");
        assertThat(body.path("error").asText()).contains("moon");
    }

    @Test
    void emptyNodeList() {
        refusedCreate(with("nodes", List.of()), 400, "nodes");
    }

    @Test
    void neitherClusterNorNodes() {
        refusedCreate(with("nodes", null), 400, "cluster");
    }

    @Test
    void aNodeWithoutAnId() {
        refusedCreate(with("nodes", List.of(Map.of("id", "ok-node"), Map.of("room", "default"))), 400, "nodes[1].id");
    }

    @Test
    void aRoomNoSupernodeServes() {
        JsonNode body = refusedCreate(with("nodes", List.of(Map.of("id", "far-node", "room", "moon"))), 400, "nodes[0].room");
        assertThat(body.path("fix").asText()).contains("default");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://exa mple.com/app.bin", "http:///app.bin", "http://[::1/app.bin", "origin.example/app.bin", ""})
    void malformedUrl(String url) {
        refusedCreate(with("source", url), 400, "source");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://origin.example/app.bin", "gopher://origin.example/app.bin", "s3x://bucket/app.bin"})
    void unsupportedScheme(String url) {
        JsonNode body = refusedCreate(with("source", url), 400, "source");
        assertThat(body.path("error").asText()).contains("unsupported scheme");
    }

    @Test
    void aUrlLongerThanTheStoreHolds() {
        JsonNode body = refusedCreate(with("source", "http://origin.example/" + "a".repeat(2048)), 400, "source");
        assertThat(body.path("error").asText()).contains("2048");
    }

    @Test
    void bothSourceAndFile() {
        refusedCreate(with("file", "app@1.0"), 400, "source");
    }

    @Test
    void aFileVersionThatDoesNotExist() {
        Map<String, Object> req = with("source", null);
        req.put("file", "no-such-file@1.0");
        refusedCreate(req, 400, "file");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha256:abc", "sha256:" + "zz" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd",
            "md5:d41d8cd98f00b204e9800998ecf8427e", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef00"})
    void digestNotSha256And64Hex(String digest) {
        JsonNode body = refusedCreate(with("digest", digest), 400, "digest");
        assertThat(body.path("error").asText()).contains("sha256:");
    }

    @Test
    void aDigestOtherThanTheFileVersions() {
        String file = TaskRestTest.unique("pinned");
        assertThat(postJson("/files", admin(), Map.of("name", file, "version", "1", "source", "https://origin.example/p",
                "digest", "sha256:" + "11".repeat(32))).status()).isEqualTo(201);
        Map<String, Object> req = with("source", null);
        req.put("file", file + "@1");
        req.put("digest", "sha256:" + "22".repeat(32));
        refusedCreate(req, 400, "digest");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-5MB/s", "0", "0MB/s"})
    void negativeOrZeroRate(String rate) {
        Object value = rate.matches("-?\\d+") ? Long.parseLong(rate) : rate;
        refusedCreate(with("rate", value), 400, "rate");
    }

    @Test
    void absurdRateAsText() {
        JsonNode body = refusedCreate(with("rate", "1000Tbit/s"), 400, "rate");
        assertThat(body.path("error").asText()).contains("400Gbit/s");
    }

    @Test
    void absurdRateAsNumber() {
        refusedCreate(with("rate", 1_000_000_000_000_000L), 400, "rate");
    }

    @Test
    void absurdRateBeyondLong() {
        // 2^64 + 1000: its low 64 bits are 1000, a harmless-looking rate
        refusedCreate(with("rate", BigInteger.TWO.pow(64).add(BigInteger.valueOf(1000))), 400, "rate");
    }

    @Test
    void rateThatIsNotUnderstood() {
        refusedCreate(with("rate", "fast"), 400, "rate");
        refusedCreate(with("rate", 1.5), 400, "rate");
        refusedCreate(with("rate", Map.of("value", 5)), 400, "rate");
    }

    @Test
    void startTimeInThePast() {
        JsonNode body = refusedCreate(with("startAt", Instant.now().minus(Duration.ofHours(1)).toString()), 400, "startAt");
        assertThat(body.path("error").asText()).contains("in the past");
    }

    @Test
    void startTimeThatIsNotAnInstant() {
        refusedCreate(with("startAt", "tomorrow at nine"), 400, "startAt");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "relative/path.bin", "/opt/../etc/passwd", "/opt/app/"})
    void badTarget(String target) {
        refusedCreate(with("target", target), 400, "target");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"source\": \"http://origin.example/a\", ", "{\"source\": \"http://origin.example/a\" \"target\": \"/a\"}",
            "not json", "{\"source\": \"http://origin.example/a\"} trailing", "[1, 2]", "null"})
    void jsonThatDoesNotParse(String body) {
        refusedCreate(body, 400, "body");
    }

    @Test
    void noBodyAtAll() {
        Snapshot before = snapshot();
        assertRefused(post("/tasks", admin(), null), 400, "body");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void unknownFields() {
        JsonNode body = refusedCreate(with("priority", "high"), 400, "priority");
        assertThat(body.path("fix").asText()).contains("source").contains("target");
    }

    @Test
    void unknownFieldsOfANode() {
        JsonNode body = refusedCreate(with("nodes", List.of(Map.of("id", "n-1", "rack", "r7"))), 400, "nodes[0].rack");
        assertThat(body.path("fix").asText()).contains("id").contains("room");
    }

    @Test
    void fieldsOfTheWrongType() {
        refusedCreate(with("nodes", "node-1"), 400, "nodes");
        refusedCreate(with("target", List.of("/a")), 400, "target");
    }

    @Test
    void copyOfATaskWhoseClusterWasDeleted() {
        String cluster = TaskRestTest.unique("gone");
        assertThat(postJson("/clusters", admin(), Map.of("name", cluster, "nodes", List.of(Map.of("id", "g-1")))).status()).isEqualTo(201);
        Map<String, Object> req = with("nodes", null);
        req.put("cluster", cluster);
        String id = create(req).path("id").asText();
        assertThat(post("/tasks/" + id + "/stop", admin(), null).status()).isEqualTo(200);
        assertThat(delete("/clusters/" + cluster, admin()).status()).isEqualTo(204);

        Snapshot before = snapshot();
        JsonNode body = assertRefused(post("/tasks/" + id + "/copy", admin(), null), 400, "cluster");
        assertThat(body.path("error").asText()).contains(cluster);
        assertThat(snapshot()).isEqualTo(before);
    }

    // ---- ids and states

    @ParameterizedTest
    @ValueSource(strings = {"GET /tasks/%s", "GET /tasks/%s/events", "POST /tasks/%s/stop", "POST /tasks/%s/copy", "DELETE /tasks/%s"})
    void aTaskIdThatDoesNotExist(String call) {
        Snapshot before = snapshot();
        String path = call.substring(call.indexOf(' ') + 1).formatted("00000000-0000-0000-0000-000000000000");
        Res r = switch (call.substring(0, call.indexOf(' '))) {
            case "GET" -> get(path, admin());
            case "DELETE" -> delete(path, admin());
            default -> post(path, admin(), null);
        };
        JsonNode body = assertRefused(r, 404, "id");
        assertThat(body.path("error").asText()).contains("00000000-0000-0000-0000-000000000000");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void stopOnAFinishedTask() {
        String id = create(valid()).path("id").asText();
        assertThat(post("/tasks/" + id + "/stop", admin(), null).status()).isEqualTo(200);
        JsonNode stopped = task(id);
        int events = taskStore.events(id).size();
        Snapshot before = snapshot();

        JsonNode body = assertRefused(post("/tasks/" + id + "/stop", admin(), null), 409, "id");
        assertThat(body.path("error").asText()).contains("STOPPED");
        assertThat(body.path("fix").asText()).contains("/copy");
        assertThat(task(id)).isEqualTo(stopped);
        assertThat(taskStore.events(id)).hasSize(events);
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void deleteOnATaskThatHasNotFinished() {
        String id = create(valid()).path("id").asText();
        try {
            Snapshot before = snapshot();
            int events = taskStore.events(id).size();
            JsonNode body = assertRefused(delete("/tasks/" + id, admin()), 409, "id");
            assertThat(body.path("error").asText()).contains("SCHEDULED");
            assertThat(body.path("fix").asText()).contains("/stop");
            assertThat(task(id).path("state").asText()).isEqualTo("SCHEDULED");
            assertThat(taskStore.events(id)).hasSize(events);
            assertThat(snapshot()).isEqualTo(before);
        } finally {
            post("/tasks/" + id + "/stop", admin(), null);
        }
    }
}
