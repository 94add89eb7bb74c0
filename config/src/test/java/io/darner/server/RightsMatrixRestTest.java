package io.darner.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.darner.processors.store.ClusterStore;
import io.darner.processors.store.FileVersionStore;
import io.darner.processors.store.Principal;
import io.darner.processors.store.RightsStore;
import io.darner.processors.store.TaskState;
import io.darner.processors.store.TaskStore;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The authorisation matrix: every row of {@link RightsTable} × every built-in role × own and
 * another tenant, called over HTTP with fresh objects; each answers the table's status with the
 * API's error body, and every change (allowed or refused) leaves an audit row of its caller. The
 * table is also {@code docs/rights.md}.
 */
class RightsMatrixRestTest extends RestTestBase {
    static final String PASSWORD = "matrix-password-" + UUID.randomUUID();
    static final String FOREIGN = "mx-foreign";
    private static final Map<String, Boolean> READY = new ConcurrentHashMap<>();

    @Autowired
    CamelContext camel;
    @Autowired
    ClusterStore clusterStore;
    @Autowired
    FileVersionStore fileStore;
    @Autowired
    RightsStore rights;

    static Stream<Arguments> cells() {
        List<Arguments> out = new ArrayList<>();
        for (RightsTable.Row row : RightsTable.ROWS) {
            for (String role : RightsTable.ROLES) {
                for (boolean foreign : new boolean[] {false, true}) {
                    Integer expected = row.expect(role, foreign);
                    if (expected != null) out.add(Arguments.of(row.endpoint(), role, foreign ? "foreign" : "own", row, expected));
                }
            }
        }
        return out.stream();
    }

    /** The caller of {@code role}: user {@code mx-ROLE} of tenant {@code mx-ROLE}, made once. */
    private String caller(String role) {
        String name = "mx-" + role;
        READY.computeIfAbsent(name, n -> {
            if (rights.tenant(n).isEmpty()) rights.createTenant(n, "test");
            if (rights.tenant(FOREIGN).isEmpty()) rights.createTenant(FOREIGN, "test");
            if (userStore.find(n).isEmpty()) userStore.create(n, PASSWORD, n, List.of(new Principal.Grant(role, Set.of(), null)));
            if (userStore.find(FOREIGN + "-owner").isEmpty()) userStore.create(FOREIGN + "-owner", PASSWORD, FOREIGN, List.of(new Principal.Grant("viewer", Set.of(), null)));
            return true;
        });
        return name;
    }

    @ParameterizedTest(name = "{0} as {1} on {2} tenant -> {4}")
    @MethodSource("cells")
    void theTableHolds(String endpoint, String role, String tenantColumn, RightsTable.Row row, int expected) {
        String caller = caller(role);
        String token = userStore.issueToken(caller, "matrix", 0);
        String tenant = tenantColumn.equals("own") ? caller : FOREIGN;
        String call = fill(row.call(), tenant, caller);
        String body = row.body() == null ? null : row.body().equals("{login}")
                ? "{\"username\":\"" + caller + "\",\"password\":\"" + PASSWORD + "\"}" : fill(row.body(), tenant, caller);
        long audited = jdbc.queryForObject("select count(*) from audit_log where actor = ?", Long.class, caller);
        Res r = send(row.method(), call, row.path().equals("/auth/login") || row.path().equals("/health") ? null : token, body);
        assertThat(r.status()).as("%s %s as %s (%s tenant): %s", row.method(), call, role, tenantColumn, r).isEqualTo(expected);
        if (expected >= 400) {
            JsonNode b = r.json();
            assertThat(b.path("status").asInt()).isEqualTo(expected);
            assertThat(b.path("error").asText()).isNotBlank();
            assertThat(b.path("fix").asText()).isNotBlank();
        }
        if (row.write() || row.path().equals("/auth/login")) {
            assertThat(jdbc.queryForObject("select count(*) from audit_log where actor = ?", Long.class, caller))
                    .as("an audit row of %s for %s", caller, endpoint).isGreaterThan(audited);
        }
    }

    /** Fresh objects of {@code tenant} for the placeholders of a call. */
    private String fill(String template, String tenant, String caller) {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String s = template;
        if (s.contains("{new}")) s = s.replace("{new}", "mx-new-" + id);
        if (s.contains("{cluster}") || s.contains("{task}") || s.contains("{doneTask}")) {
            String cluster = "mx-c-" + id;
            clusterStore.create(new ClusterStore.Cluster(cluster, "host", List.of(new ClusterStore.NodeRef("n1", "default")), System.currentTimeMillis(), "test", tenant));
            s = s.replace("{cluster}", cluster);
            if (s.contains("{task}")) s = s.replace("{task}", task(tenant, cluster, false));
            if (s.contains("{doneTask}")) s = s.replace("{doneTask}", task(tenant, cluster, true));
        }
        if (s.contains("{file}")) {
            String file = "mx-f-" + id;
            fileStore.create(new FileVersionStore.FileVersion(file, "1.0", "https://origin.example/f.tar", null, null, System.currentTimeMillis(), "test", tenant));
            s = s.replace("{file}", file);
        }
        if (s.contains("{user}")) {
            String user = "mx-u-" + id;
            userStore.create(user, PASSWORD, tenant, List.of(new Principal.Grant("viewer", Set.of(), null)));
            s = s.replace("{user}", user);
        }
        if (s.contains("{role}")) {
            String role = "mx-r-" + id;
            rights.createRole(new RightsStore.Role(tenant, role, Set.of("task:read"), null, System.currentTimeMillis(), "test"));
            s = s.replace("{role}", role);
        }
        if (s.contains("{token}")) {
            String owner = tenant.equals(FOREIGN) ? FOREIGN + "-owner" : caller;
            s = s.replace("{token}", userStore.issueToken(owner, "victim", null, null).info().id());
        }
        if (s.contains("{emptyTenant}")) {
            String t = "mx-t-" + id;
            rights.createTenant(t, "test");
            s = s.replace("{emptyTenant}", t);
        }
        return s.replace("{tenant}", tenant);
    }

    private String task(String tenant, String cluster, boolean done) {
        String id = UUID.randomUUID().toString();
        long now = System.currentTimeMillis();
        taskStore.insert(new TaskStore.Task(id, TaskState.PENDING, "https://origin.example/app.tar", null, null, "/opt/m/app.tar", cluster, null,
                now + 86_400_000L * 365, now, "test", null, null, null, null, null, null, tenant), List.of(new ClusterStore.NodeRef("n1", "default")), "matrix fixture");
        taskStore.transition(id, List.of(TaskState.PENDING), done ? TaskState.SUCCEEDED : TaskState.SCHEDULED, "matrix fixture");
        return id;
    }

    private Res send(String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpRequest.BodyPublisher p = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        return send(b.method(method, p));
    }

    @Test
    void theTableListsEveryEndpoint() {
        Set<String> declared = new TreeSet<>();
        for (RestDefinition rest : camel.getCamelContextExtension().getContextPlugin(Model.class).getRestDefinitions()) {
            for (VerbDefinition v : rest.getVerbs()) declared.add(v.asVerb().toUpperCase() + " " + v.getPath());
        }
        assertThat(RightsTable.ROWS.stream().map(RightsTable.Row::endpoint).toList()).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(declared);
    }

    @Test
    void docsRightsMdIsTheTable() throws Exception {
        Path doc = Path.of("..", "docs", "rights.md");
        String rendered = RightsTable.render();
        if (Boolean.getBoolean("darner.writeRightsDoc")) Files.writeString(doc, rendered);
        assertThat(Files.exists(doc)).as("docs/rights.md exists (run with -Ddarner.writeRightsDoc=true to write it)").isTrue();
        assertThat(Files.readString(doc)).as("docs/rights.md is rendered from RightsTable; run this test with -Ddarner.writeRightsDoc=true")
                .isEqualTo(rendered);
    }
}
