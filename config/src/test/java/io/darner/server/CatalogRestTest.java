package io.darner.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.darner.server.TaskRestTest.unique;
import static org.assertj.core.api.Assertions.assertThat;

/** File versions and clusters (create, list, get, delete), the node list and the audit log. */
class CatalogRestTest extends RestTestBase {
    static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    // ---- file versions

    @Test
    void fileSourcesOutsideTheAllowedDirectoriesAre400AndNothingIsWritten() throws Exception {
        Path sources = Files.createDirectories(DATA_DIR.resolve("sources"));
        Path link = sources.resolve("escape-" + unique("l"));
        Files.createSymbolicLink(link, Path.of("/etc"));
        for (String url : List.of("file:///etc/passwd", DATA_DIR.resolve("db").toUri().toString(),
                sources.resolve("../db/darner.mv.db").toUri().toString(), link.resolve("passwd").toUri().toString())) {
            String name = unique("leak");
            JsonNode body = assertRefused(postJson("/files", admin(), Map.of("name", name, "version", "1", "source", url)), 400, "source");
            assertThat(body.path("fix").asText()).contains("darner.file-sources");
            assertThat(get("/files?name=" + name, admin()).json().path("items").size()).isZero();
            assertRefused(postJson("/tasks", admin(), Map.of("source", url, "target", "/opt/x", "nodes", List.of(Map.of("id", "n1")))), 400, "source");
        }
    }

    @Test
    void aFileVersionIsCreatedListedReadAndDeleted() {
        String name = unique("app");
        Res created = postJson("/files", admin(), Map.of("name", name, "version", "1.4.2", "source", "https://origin.example/app-1.4.2.tgz",
                "digest", DIGEST, "sizeBytes", 4096));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode f = created.json();
        assertThat(f.path("name").asText()).isEqualTo(name);
        assertThat(f.path("version").asText()).isEqualTo("1.4.2");
        assertThat(f.path("source").asText()).isEqualTo("https://origin.example/app-1.4.2.tgz");
        assertThat(f.path("digest").asText()).isEqualTo(DIGEST);
        assertThat(f.path("sizeBytes").asLong()).isEqualTo(4096);
        assertThat(f.path("createdBy").asText()).isEqualTo("admin");
        assertThat(Instant.parse(f.path("createdAt").asText())).isNotNull();
        assertThat(postJson("/files", admin(), Map.of("name", name, "version", "1.5", "source", "https://origin.example/app-1.5.tgz")).status())
                .isEqualTo(201);
        String inside = DATA_DIR.resolve("sources").resolve("other.bin").toUri().toString();
        assertThat(postJson("/files", admin(), Map.of("name", unique("other"), "version", "1", "source", inside)).status())
                .as("file:// under darner.file-sources (default: the data dir's sources/)").isEqualTo(201);

        Res one = get("/files/" + name + "/1.4.2", admin());
        assertThat(one.status()).as(one.toString()).isEqualTo(200);
        assertThat(one.json()).isEqualTo(f);

        Res list = get("/files?name=" + name, admin());
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().path("items")).extracting(i -> i.path("name").asText() + "@" + i.path("version").asText())
                .containsExactlyInAnyOrder(name + "@1.4.2", name + "@1.5");
        List<String> everything = new ArrayList<>();
        get("/files", admin()).json().path("items").forEach(i -> everything.add(i.path("name").asText()));
        assertThat(everything).contains(name).hasSizeGreaterThanOrEqualTo(3);

        Res deleted = delete("/files/" + name + "/1.4.2", admin());
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertRefused(get("/files/" + name + "/1.4.2", admin()), 404, "version");
        assertRefused(delete("/files/" + name + "/1.4.2", admin()), 404, "version");
        assertThat(get("/files/" + name + "/1.5", admin()).status()).isEqualTo(200);
        assertThat(jdbc.queryForObject("select count(*) from audit_log where target = ? and outcome = 'ok' and action in ('file:create', 'file:delete')",
                Long.class, "file/" + name + "@1.4.2")).isEqualTo(2);
    }

    @Test
    void aFileVersionIsImmutable() {
        String name = unique("immutable");
        Map<String, Object> req = Map.of("name", name, "version", "1", "source", "https://origin.example/a");
        assertThat(postJson("/files", admin(), req).status()).isEqualTo(201);
        Snapshot before = snapshot();
        assertRefused(postJson("/files", admin(), Map.of("name", name, "version", "1", "source", "https://origin.example/b")), 409, "version");
        assertThat(snapshot()).isEqualTo(before);
        assertThat(get("/files/" + name + "/1", admin()).json().path("source").asText()).isEqualTo("https://origin.example/a");
    }

    @Test
    void aFileVersionWithBadFieldsIsRefused() {
        Snapshot before = snapshot();
        assertRefused(postJson("/files", admin(), Map.of("version", "1", "source", "https://o/a")), 400, "name");
        assertRefused(postJson("/files", admin(), Map.of("name", "x", "source", "https://o/a")), 400, "version");
        assertRefused(postJson("/files", admin(), Map.of("name", "x", "version", "1")), 400, "source");
        assertRefused(postJson("/files", admin(), Map.of("name", "x", "version", "1", "source", "https://o/" + "a".repeat(2048))), 400, "source");
        // GET and DELETE /files/{name}/{version} could not address a name with a '/'
        assertRefused(postJson("/files", admin(), Map.of("name", "team/app", "version", "1", "source", "https://o/a")), 400, "name");
        assertRefused(postJson("/files", admin(), Map.of("name", "x", "version", "1", "source", "ftp://o/a")), 400, "source");
        assertRefused(postJson("/files", admin(), Map.of("name", "x", "version", "1", "source", "https://o/a", "digest", "sha1:abc")), 400, "digest");
        assertRefused(postJson("/files", admin(), Map.of("name", "x", "version", "1", "source", "https://o/a", "sizeBytes", -1)), 400, "sizeBytes");
        assertRefused(postJson("/files", admin(), Map.of("name", "x", "version", "1", "source", "https://o/a", "size", 1)), 400, "size");
        assertThat(snapshot()).isEqualTo(before);
    }

    // ---- clusters

    @Test
    void aClusterIsCreatedListedReadAndDeleted() {
        String name = unique("hosts");
        Res created = postJson("/clusters", admin(), Map.of("name", name, "nodes",
                List.of(Map.of("id", "h-1"), Map.of("id", "h-2", "room", "default"))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode c = created.json();
        assertThat(c.path("name").asText()).isEqualTo(name);
        assertThat(c.path("kind").asText()).isEqualTo("host");
        assertThat(c.path("nodes")).extracting(n -> n.path("id").asText() + "/" + n.path("room").asText())
                .containsExactlyInAnyOrder("h-1/default", "h-2/default");
        assertThat(c.path("createdBy").asText()).isEqualTo("admin");

        Res one = get("/clusters/" + name, admin());
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json()).isEqualTo(c);
        Res list = get("/clusters", admin());
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().path("items")).extracting(i -> i.path("name").asText()).contains(name);

        Snapshot before = snapshot();
        assertRefused(postJson("/clusters", admin(), Map.of("name", name, "nodes", List.of(Map.of("id", "h-3")))), 409, "name");
        assertThat(snapshot()).isEqualTo(before);

        Res deleted = delete("/clusters/" + name, admin());
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertThat(jdbc.queryForObject("select count(*) from cluster_nodes where cluster_name = ?", Long.class, name)).isZero();
        assertRefused(get("/clusters/" + name, admin()), 404, "name");
        assertRefused(delete("/clusters/" + name, admin()), 404, "name");
        assertThat(jdbc.queryForObject("select count(*) from audit_log where target = ? and outcome = 'ok' and action in ('cluster:create', 'cluster:delete')",
                Long.class, "cluster/" + name)).isEqualTo(2);
    }

    @Test
    void aClusterWithBadFieldsIsRefused() {
        Snapshot before = snapshot();
        assertRefused(postJson("/clusters", admin(), Map.of("nodes", List.of(Map.of("id", "n")))), 400, "name");
        assertRefused(postJson("/clusters", admin(), Map.of("name", "bad name", "nodes", List.of(Map.of("id", "n")))), 400, "name");
        assertRefused(postJson("/clusters", admin(), Map.of("name", unique("c"), "kind", "kubernetes", "nodes", List.of(Map.of("id", "n")))), 400, "kind");
        assertRefused(postJson("/clusters", admin(), Map.of("name", unique("c"), "nodes", List.of())), 400, "nodes");
        assertRefused(postJson("/clusters", admin(), Map.of("name", unique("c"))), 400, "nodes");
        assertRefused(postJson("/clusters", admin(), Map.of("name", unique("c"), "nodes", List.of(Map.of("id", "n"), Map.of("id", "n")))), 400, "nodes[1].id");
        assertRefused(postJson("/clusters", admin(), Map.of("name", unique("c"), "nodes", List.of(Map.of("room", "r")))), 400, "nodes[0].id");
        assertRefused(postJson("/clusters", admin(), Map.of("name", unique("c"), "nodes", List.of(Map.of("id", "n", "rack", "r")))), 400, "nodes[0].rack");
        assertThat(snapshot()).isEqualTo(before);
    }

    // ---- nodes and audit

    @Test
    void nodesListsWhatTheSupernodesSee() {
        Res r = get("/nodes", admin());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("items").isArray()).isTrue();
        r.json().path("items").forEach(n -> {
            assertThat(n.path("room").asText()).isEqualTo("default");
            assertThat(n.path("status").asText()).isEqualTo("ONLINE");
        });
        // nodes that joined are listed: see DistributionRestTest
    }

    @Test
    void auditIsNewestFirstAndLimited() {
        String name = unique("audited");
        assertThat(postJson("/clusters", admin(), Map.of("name", name, "nodes", List.of(Map.of("id", "a-1")))).status()).isEqualTo(201);
        assertThat(delete("/clusters/" + name, admin()).status()).isEqualTo(204);
        Res r = get("/audit?limit=2", admin());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode items = r.json().path("items");
        assertThat(items).hasSize(2);
        assertThat(items.get(0).path("action").asText()).isEqualTo("cluster:delete");
        assertThat(items.get(0).path("target").asText()).isEqualTo("cluster/" + name);
        assertThat(items.get(0).path("actor").asText()).isEqualTo("admin");
        assertThat(items.get(0).path("outcome").asText()).isEqualTo("ok");
        assertThat(items.get(1).path("action").asText()).isEqualTo("cluster:create");
        assertThat(Instant.parse(items.get(0).path("at").asText())).isAfterOrEqualTo(Instant.parse(items.get(1).path("at").asText()));
        assertThat(get("/audit", admin()).json().path("items").size()).isBetween(2, 100);
        JsonNode all = get("/audit?actor=system&action=user:create", admin()).json().path("items");
        assertThat(all).anySatisfy(e -> {
            assertThat(e.path("actor").asText()).isEqualTo("system");
            assertThat(e.path("action").asText()).isEqualTo("user:create");
            assertThat(e.path("target").asText()).isEqualTo("user/admin");
        });
        assertRefused(get("/audit?limit=0", admin()), 400, "limit");
        assertRefused(get("/audit?limit=1001", admin()), 400, "limit");
    }
}
