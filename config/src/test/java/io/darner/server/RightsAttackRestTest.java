package io.darner.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.darner.processors.store.ClusterStore;
import io.darner.processors.store.Principal;
import io.darner.processors.store.RightsStore;
import io.darner.processors.store.Roles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attacks of the rights issue: bad tokens, another tenant's token, a viewer and a cluster
 * administrator overreaching, SQL metacharacters and 10 KB strings in filters and names, a password
 * guessed 20 times, a tampered audit row. Each gets the right status with the API's error body,
 * and an audit row where it was a change or a login.
 */
class RightsAttackRestTest extends RestTestBase {
    static final String PW = "attack-password-" + UUID.randomUUID();
    static final String SQL = "x' OR '1'='1'; drop table tasks; --";
    static final String HUGE = "a".repeat(10 * 1024);

    @Autowired
    RightsStore rights;
    @Autowired
    ClusterStore clusterStore;

    private String user(String tenant, String role, Set<String> clusters) {
        if (rights.tenant(tenant).isEmpty()) rights.createTenant(tenant, "test");
        String name = "atk-" + UUID.randomUUID().toString().substring(0, 8);
        userStore.create(name, PW, tenant, List.of(new Principal.Grant(role, Set.of(), clusters)));
        return name;
    }

    private String token(String user) {
        return userStore.issueToken(user, "attack", 0);
    }

    private long audit(String actor, String action, String outcome) {
        return jdbc.queryForObject("select count(*) from audit_log where actor = ? and action = ? and outcome = ?", Long.class, actor, action, outcome);
    }

    private String cluster(String tenant) {
        String name = TaskRestTest.unique("atk");
        clusterStore.create(new ClusterStore.Cluster(name, "host", List.of(new ClusterStore.NodeRef("n1", "default")), System.currentTimeMillis(), "test", tenant));
        return name;
    }

    /** A 403 in the API's error shape: status, what was refused, and how to get the right. */
    static JsonNode assertForbidden(Res r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(403);
        assertThat(r.json().path("status").asInt()).isEqualTo(403);
        assertThat(r.json().path("error").asText()).as(r.toString()).contains("may not");
        assertThat(r.json().path("fix").asText()).as(r.toString()).isNotBlank();
        return r.json();
    }

    // ---- tokens

    @Test
    void noMalformedExpiredOrRevokedTokenIs401SayingWhyAndTheAttemptedChangeIsAudited() {
        String u = user("default", Roles.TASK_ADMIN, null);
        String name = TaskRestTest.unique("never");
        String body = "{\"name\":\"" + name + "\",\"nodes\":[{\"id\":\"n1\"}]}";
        long anonymous = audit("anonymous", "cluster:create", "denied");
        assertThat(assertRefused(post("/clusters", null, body), 401, "Authorization").path("error").asText()).isEqualTo("no credentials were sent");
        assertThat(assertRefused(post("/clusters", "drn_not valid!", body), 401, "Authorization").path("error").asText()).isEqualTo("the bearer token is malformed");
        assertThat(assertRefused(post("/clusters", "drn_" + "A".repeat(43), body), 401, "Authorization").path("error").asText()).isEqualTo("the bearer token is unknown");

        String expired = token(u);
        jdbc.update("update api_tokens set expires_at = 1 where token_hash = (select max(token_hash) from api_tokens where username = ? and expires_at is null)", u);
        String revoked = token(u);
        JsonNode issued = postJson("/auth/tokens", revoked, Map.of("name", "to-revoke")).json();
        assertThat(delete("/auth/tokens/" + issued.path("id").asText(), revoked).status()).isEqualTo(204);
        assertThat(assertRefused(post("/clusters", issued.path("token").asText(), body), 401, "Authorization").path("error").asText())
                .isEqualTo("the bearer token was revoked");
        assertThat(assertRefused(post("/clusters", expired, body), 401, "Authorization").path("error").asText()).isEqualTo("the bearer token expired");
        assertThat(audit("anonymous", "cluster:create", "denied")).isEqualTo(anonymous + 5);
        assertThat(count("clusters where name = '" + name + "'")).isZero();
        // revoking twice is a conflict, and a token list never shows secrets
        assertRefused(delete("/auth/tokens/" + issued.path("id").asText(), revoked), 409, "id");
        assertThat(get("/auth/tokens", revoked).body()).doesNotContain(issued.path("token").asText()).contains("revokedAt");
    }

    @Test
    void anotherTenantsTokenSeesNothingOfThisTenantAnd404sItsIds() {
        String mine = cluster("default");
        String other = user("atk-other", Roles.CLUSTER_ADMIN, null);
        String t = token(other);
        assertRefused(get("/clusters/" + mine, t), 404, "name");
        long before = audit(other, "cluster:delete", "refused");
        assertRefused(delete("/clusters/" + mine, t), 404, "name");
        assertThat(audit(other, "cluster:delete", "refused")).isEqualTo(before + 1);
        assertThat(get("/clusters", t).json().path("items").toString()).doesNotContain(mine);
        assertThat(get("/clusters/" + mine, admin()).status()).as("still there").isEqualTo(200);
        // a task on the other tenant's cluster: as if the cluster did not exist
        assertRefused(postJson("/tasks", t, Map.of("cluster", mine, "source", "https://o.example/a", "target", "/opt/a")), 400, "cluster");
    }

    @Test
    void namesAreTheTenantsOwnSoAnotherTenantsNameIsNeitherRefusedNorRevealed() {
        String name = TaskRestTest.unique("prod");
        String a = token(user("atk-na", Roles.SUPER_ADMIN, null)), b = token(user("atk-nb", Roles.SUPER_ADMIN, null));
        // super administrators of their tenants: each creates in its own tenant, as any tenant's user does
        for (String t : List.of(a, b)) {
            Res c = postJson("/clusters", t, Map.of("name", name, "nodes", List.of(Map.of("id", "n1"))));
            assertThat(c.status()).as("a name another tenant took is free here: " + c).isEqualTo(201);
            Res f = postJson("/files", t, Map.of("name", name, "version", "1.0", "source", "https://o.example/" + name));
            assertThat(f.status()).as(f.toString()).isEqualTo(201);
        }
        String viewerB = token(user("atk-nb", Roles.VIEWER, null));
        assertThat(get("/clusters/" + name, viewerB).json().path("tenant").asText()).isEqualTo("atk-nb");
        assertThat(get("/files/" + name + "/1.0", viewerB).json().path("tenant").asText()).isEqualTo("atk-nb");

        // the bootstrap admin sees both: it must say which it means, and gets the one it names
        assertRefused(get("/clusters/" + name, admin()), 409, "name");
        assertRefused(get("/files/" + name + "/1.0", admin()), 409, "version");
        assertThat(get("/clusters/" + name + "?tenant=atk-na", admin()).json().path("tenant").asText()).isEqualTo("atk-na");
        assertThat(delete("/clusters/" + name + "?tenant=atk-na", admin()).status()).isEqualTo(204);
        assertThat(delete("/files/" + name + "/1.0?tenant=atk-na", admin()).status()).isEqualTo(204);

        // one left: found without naming the tenant, and untouched by the other's deletion
        assertThat(get("/clusters/" + name, admin()).json().path("tenant").asText()).isEqualTo("atk-nb");
        assertThat(get("/clusters/" + name, viewerB).json().path("nodes").size()).isEqualTo(1);
        assertThat(get("/files/" + name + "/1.0", viewerB).status()).isEqualTo(200);
        assertThat(postJson("/clusters", b, Map.of("name", name, "nodes", List.of(Map.of("id", "n2")))).status())
                .as("within a tenant a name is still unique").isEqualTo(409);
    }

    @Test
    void aScopedTokenDoesOnlyItsScopesAndCannotMintAWiderOne() {
        String u = user("default", Roles.TASK_ADMIN, null);
        JsonNode issued = postJson("/auth/tokens", token(u), Map.of("name", "ro", "scopes", List.of("task:read"), "expiresInDays", 1)).json();
        String scoped = issued.path("token").asText();
        assertThat(get("/tasks", scoped).status()).isEqualTo(200);
        JsonNode body = assertForbidden(postJson("/files", scoped, Map.of("name", TaskRestTest.unique("f"), "version", "1", "source", "https://o.example/f")));
        assertThat(body.path("error").asText()).contains("scopes");
        assertThat(postJson("/auth/tokens", scoped, Map.of("name", "wider", "scopes", List.of("task:*"))).status()).isEqualTo(403);
        assertRefused(postJson("/auth/tokens", token(u), Map.of("name", "bad", "scopes", List.of("task:fly"))), 400, "scopes[0]");
        assertRefused(postJson("/auth/tokens", token(u), Map.of("name", "old", "expiresAt", "2000-01-01T00:00:00Z")), 400, "expiresAt");
    }

    // ---- users

    @Test
    void aUserIsCreatedChangedDisabledAndDeletedAndEachChangeIsAudited() {
        String name = TaskRestTest.unique("carol");
        Res created = postJson("/users", admin(), Map.of("username", name, "password", PW, "roles", List.of(Map.of("role", "task-admin"))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().path("tenant").asText()).isEqualTo("default");
        assertThat(created.body()).doesNotContain(PW).doesNotContain("hash");
        assertRefused(postJson("/users", admin(), Map.of("username", name, "password", PW)), 409, "username");
        assertRefused(postJson("/users", admin(), Map.of("username", TaskRestTest.unique("short"), "password", "short")), 400, "password");
        Res login = post("/auth/login", null, "{\"username\":\"" + name + "\",\"password\":\"" + PW + "\"}");
        assertThat(login.status()).isEqualTo(200);
        String session = login.json().path("token").asText();
        assertThat(get("/auth/me", session).json().path("roles").get(0).path("role").asText()).isEqualTo("task-admin");
        String newPw = PW + "-2";
        assertThat(put("/users/" + name, admin(), "{\"password\":\"" + newPw + "\",\"roles\":[{\"role\":\"viewer\"}]}").status()).isEqualTo(200);
        assertThat(post("/auth/login", null, "{\"username\":\"" + name + "\",\"password\":\"" + PW + "\"}").status()).isEqualTo(401);
        assertThat(get("/auth/me", session).json().path("role").asText()).as("roles apply at once").isEqualTo("viewer");
        assertThat(put("/users/" + name, admin(), "{\"disabled\":true}").status()).isEqualTo(200);
        assertThat(assertRefused(get("/auth/me", session), 401, "Authorization").path("error").asText()).contains("disabled");
        assertRefused(post("/auth/login", null, "{\"username\":\"" + name + "\",\"password\":\"" + newPw + "\"}"), 401, "username");
        assertRefused(put("/users/" + name, admin(), "{}"), 400, "body");
        assertRefused(put("/users/admin", admin(), "{\"disabled\":true}"), 409, "disabled");
        assertThat(delete("/users/" + name, admin()).status()).isEqualTo(204);
        assertRefused(get("/users/" + name, admin()), 404, "name");
        assertThat(jdbc.queryForObject("select count(*) from api_tokens where username = ?", Long.class, name)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from audit_log where target = ? and outcome = 'ok' and action in ('user:create', 'user:update', 'user:delete')",
                Long.class, "user/" + name)).isEqualTo(4);
    }

    @Test
    void theSuperAdministratorsCopyOfAnotherTenantsTaskStaysInThatTenant() {
        String tenant = "atk-copy";
        String u = user(tenant, Roles.TASK_ADMIN, null);
        String c = cluster(tenant);
        Res created = postJson("/tasks", token(u), Map.of("cluster", c, "source", "https://o.example/a", "target", "/opt/a", "startAt", "2099-01-01T00:00:00Z"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().path("tenant").asText()).isEqualTo(tenant);
        Res copy = post("/tasks/" + created.json().path("id").asText() + "/copy", admin(), "{}");
        assertThat(copy.status()).as(copy.toString()).isEqualTo(201);
        assertThat(copy.json().path("tenant").asText()).isEqualTo(tenant);
        assertThat(get("/tasks/" + copy.json().path("id").asText(), token(u)).status()).isEqualTo(200);
    }

    @Test
    void theSuperAdministratorCreatesForAnotherTenantAndOthersCannot() {
        String tenant = "atk-for";
        String u = user(tenant, Roles.TASK_ADMIN, null);
        String c = TaskRestTest.unique("for");
        Res made = postJson("/clusters", admin(), Map.of("name", c, "nodes", List.of(Map.of("id", "n1")), "tenant", tenant));
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        assertThat(made.json().path("tenant").asText()).isEqualTo(tenant);
        assertThat(postJson("/files", admin(), Map.of("name", c, "version", "1", "source", "https://o.example/f", "tenant", tenant)).json()
                .path("tenant").asText()).isEqualTo(tenant);
        assertThat(get("/clusters/" + c, token(u)).status()).isEqualTo(200);
        assertThat(get("/files/" + c + "/1", token(u)).status()).isEqualTo(200);
        // a task the super administrator creates on that cluster is that tenant's
        Res task = postJson("/tasks", admin(), Map.of("cluster", c, "source", "https://o.example/a", "target", "/opt/a", "startAt", "2099-01-01T00:00:00Z"));
        assertThat(task.json().path("tenant").asText()).isEqualTo(tenant);
        // nobody else picks a tenant
        assertRefused(postJson("/files", token(u), Map.of("name", c + "-x", "version", "1", "source", "https://o.example/f", "tenant", "default")), 400, "tenant");
        assertRefused(postJson("/clusters", admin(), Map.of("name", c + "-x", "nodes", List.of(Map.of("id", "n1")), "tenant", "no-such-tenant")), 400, "tenant");
    }

    // ---- roles overreaching

    @Test
    void aClusterAdministratorOfXCannotActOnY() {
        String x = cluster("default"), y = cluster("default");
        String u = user("default", Roles.CLUSTER_ADMIN, Set.of(x));
        String t = token(u);
        assertThat(get("/clusters/" + x, t).status()).isEqualTo(200);
        JsonNode body = assertForbidden(delete("/clusters/" + y, t));
        assertThat(body.path("error").asText()).contains("cluster " + y);
        assertForbidden(get("/clusters/" + y, t));
        assertForbidden(postJson("/tasks", t, Map.of("cluster", y, "source", "https://o.example/a", "target", "/opt/a",
                "startAt", "2099-01-01T00:00:00Z")));
        assertForbidden(postJson("/tasks", t, Map.of("nodes", List.of(Map.of("id", "n1")), "source", "https://o.example/a", "target", "/opt/a")));
        assertForbidden(postJson("/clusters", t, Map.of("name", TaskRestTest.unique("new"), "nodes", List.of(Map.of("id", "n1")))));
        assertThat(audit(u, "cluster:delete", "denied")).isEqualTo(1);
        assertThat(audit(u, "task:create", "denied")).isEqualTo(2);
        // on X it works
        Res onX = postJson("/tasks", t, Map.of("cluster", x, "source", "https://o.example/a", "target", "/opt/a", "startAt", "2099-01-01T00:00:00Z"));
        assertThat(onX.status()).isEqualTo(201);
        Res onY = postJson("/tasks", admin(), Map.of("cluster", y, "source", "https://o.example/a", "target", "/opt/a", "startAt", "2099-01-01T00:00:00Z"));
        assertThat(onY.status()).isEqualTo(201);
        assertThat(get("/clusters", t).json().path("items").toString()).contains(x).doesNotContain(y);
        // it lists the tasks it may read: those on X, not Y's (nor those on explicit node lists)
        String listed = get("/tasks?size=200", t).json().path("items").toString();
        assertThat(listed).contains(onX.json().path("id").asText()).doesNotContain(onY.json().path("id").asText()).doesNotContain(y);
        assertThat(get("/tasks?size=200", admin()).json().path("items").toString()).contains(onY.json().path("id").asText());
        assertThat(delete("/clusters/" + x, t).status()).isEqualTo(204);
        assertThat(get("/clusters/" + y, admin()).status()).isEqualTo(200);
    }

    @Test
    void nobodyGrantsMoreThanTheyHold() {
        String tenant = "atk-grants";
        String u = user(tenant, Roles.SUPER_ADMIN, null); // a super administrator of another tenant, to create the custom role
        String limited = user(tenant, "none", null);
        // a custom role with user management but only task:read
        assertThat(postJson("/roles", token(u), Map.of("name", "user-manager", "permissions", List.of("user:*", "task:read"))).status()).isEqualTo(201);
        assertThat(put("/users/" + limited, token(u), "{\"roles\":[{\"role\":\"user-manager\"}]}").status()).isEqualTo(200);
        String t = token(limited);
        String victim = user(tenant, Roles.VIEWER, null);
        assertForbidden(put("/users/" + victim, t, "{\"roles\":[{\"role\":\"task-admin\"}]}"));
        assertForbidden(put("/users/" + victim, t, "{\"roles\":[{\"role\":\"super-admin\"}]}"));
        assertForbidden(postJson("/roles", t, Map.of("name", "sneaky", "permissions", List.of("task:create"))));
        assertRefused(put("/users/" + limited, t, "{\"roles\":[{\"role\":\"user-manager\"},{\"role\":\"viewer\"}]}"), 409, "roles");
        assertThat(put("/users/" + victim, t, "{\"disabled\":true}").status()).isEqualTo(200);
        assertThat(post("/auth/login", null, "{\"username\":\"" + victim + "\",\"password\":\"" + PW + "\"}").status()).isEqualTo(401);
        assertRefused(postJson("/roles", token(u), Map.of("name", "t", "permissions", List.of("tenant:create"))), 400, "permissions[0]");
    }

    // ---- SQL metacharacters and 10 KB strings

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/tasks?cluster=", "/tasks?creator=", "/files?name=", "/audit?actor=", "/audit?action=", "/audit?target=", "/users?tenant="})
    void sqlMetacharactersInFiltersFindNothingAndBreakNothing(String filter) {
        Res r = get(filter + URLEncoder.encode(SQL, StandardCharsets.UTF_8), admin());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("items").size()).isZero();
        assertThat(count("tasks")).isGreaterThanOrEqualTo(0); // the table is still there
        String field = filter.substring(filter.indexOf('?') + 1, filter.length() - 1);
        JsonNode body = assertRefused(get(filter + HUGE, admin()), 400, field);
        assertThat(body.path("error").asText()).hasSizeLessThan(300);
    }

    @Test
    void sqlMetacharactersAndHugeStringsInNamesAre400NamingTheFieldAndAudited() {
        for (String bad : List.of(SQL, HUGE)) {
            assertRefused(postJson("/clusters", admin(), Map.of("name", bad, "nodes", List.of(Map.of("id", "n1")))), 400, "name");
            assertRefused(postJson("/clusters", admin(), Map.of("name", TaskRestTest.unique("c"), "nodes", List.of(Map.of("id", bad)))), 400, "nodes[0].id");
            assertRefused(postJson("/files", admin(), Map.of("name", bad, "version", "1", "source", "https://o.example/f")), 400, "name");
            assertRefused(postJson("/users", admin(), Map.of("username", bad, "password", PW)), 400, "username");
            assertRefused(postJson("/users", admin(), Map.of("username", TaskRestTest.unique("u"), "password", PW, "tenant", bad)), 400, "tenant");
            assertRefused(postJson("/users", admin(), Map.of("username", TaskRestTest.unique("u"), "password", PW, "roles", List.of(Map.of("role", bad)))), 400, "roles[0].role");
            assertRefused(postJson("/roles", admin(), Map.of("name", bad, "permissions", List.of("task:read"))), 400, "name");
            assertRefused(postJson("/roles", admin(), Map.of("name", TaskRestTest.unique("r"), "permissions", List.of(bad))), 400, "permissions[0]");
            assertRefused(postJson("/tenants", admin(), Map.of("name", bad)), 400, "name");
            assertRefused(postJson("/auth/tokens", admin(), Map.of("name", "t", "scopes", List.of(bad))), 400, "scopes[0]");
            assertRefused(post("/auth/login", null, "{\"username\":" + JSONstr(bad) + ",\"password\":\"x\"}"), 401, "password");
            assertThat(post("/auth/login", null, "{\"username\":" + JSONstr(bad) + ",\"password\":\"x\"}").body()).hasSizeLessThan(1000);
        }
        assertThat(jdbc.queryForObject("select count(*) from audit_log where actor = 'admin' and outcome = 'refused' and action = 'tenant:create'", Long.class))
                .isGreaterThanOrEqualTo(2);
        assertThat(jdbc.queryForObject("select count(*) from audit_log where actor = ? and action = 'auth:login' and outcome = 'denied'", Long.class,
                HUGE.substring(0, 64))).isGreaterThanOrEqualTo(2);
    }

    private static String JSONstr(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- login throttling

    @Test
    void aPasswordGuessedTwentyTimesIsThrottledWith429EvenForTheRightPassword() {
        String u = user("default", Roles.VIEWER, null);
        int unauthorized = 0, throttled = 0;
        for (int i = 0; i < 20; i++) {
            Res r = post("/auth/login", null, "{\"username\":\"" + u + "\",\"password\":\"guess-" + i + "\"}");
            if (r.status() == 401) unauthorized++;
            if (r.status() == 429) {
                throttled++;
                JsonNode body = assertRefused(r, 429, "username");
                assertThat(body.path("error").asText()).contains("too many failed logins");
                assertThat(body.path("fix").asText()).contains("wait");
            }
        }
        assertThat(unauthorized).isEqualTo(5);
        assertThat(throttled).isEqualTo(15);
        assertRefused(post("/auth/login", null, "{\"username\":\"" + u + "\",\"password\":\"" + PW + "\"}"), 429, "username");
        assertThat(audit(u, "auth:login", "denied")).isEqualTo(5);
        assertThat(audit(u, "auth:login", "throttled")).isEqualTo(16);
        // another user is not affected
        String other = user("default", Roles.VIEWER, null);
        assertThat(post("/auth/login", null, "{\"username\":\"" + other + "\",\"password\":\"" + PW + "\"}").status()).isEqualTo(200);
        assertThat(audit(other, "auth:login", "ok")).isEqualTo(1);
    }

    // ---- the audit chain

    @Test
    void aTamperedAuditRowIsReportedByVerifyWithItsId() {
        String name = TaskRestTest.unique("chain");
        assertThat(postJson("/clusters", admin(), Map.of("name", name, "nodes", List.of(Map.of("id", "n1")))).status()).isEqualTo(201);
        assertThat(delete("/clusters/" + name, admin()).status()).isEqualTo(204);
        JsonNode ok = get("/audit/verify", admin()).json();
        assertThat(ok.path("intact").asBoolean()).as(ok.toString()).isTrue();
        String id = jdbc.queryForObject("select id from audit_log where target = ? and action = 'cluster:create'", String.class, "cluster/" + name);
        String actor = jdbc.queryForObject("select actor from audit_log where id = ?", String.class, id);
        jdbc.update("update audit_log set actor = 'someone-else' where id = ?", id);
        try {
            JsonNode broken = get("/audit/verify", admin()).json();
            assertThat(broken.path("intact").asBoolean()).isFalse();
            assertThat(broken.path("firstBroken").path("id").asText()).isEqualTo(id);
            assertThat(broken.path("firstBroken").path("reason").asText()).contains("altered");
        } finally {
            jdbc.update("update audit_log set actor = ? where id = ?", actor, id);
        }
        assertThat(get("/audit/verify", admin()).json().path("intact").asBoolean()).isTrue();
        // a removed row: the row after it is reported
        long seq = jdbc.queryForObject("select seq from audit_log where id = ?", Long.class, id);
        Map<String, Object> row = jdbc.queryForMap("select * from audit_log where id = ?", id);
        String next = jdbc.queryForObject("select id from audit_log where seq = ?", String.class, seq + 1);
        jdbc.update("delete from audit_log where id = ?", id);
        try {
            JsonNode broken = get("/audit/verify", admin()).json();
            assertThat(broken.path("firstBroken").path("id").asText()).isEqualTo(next);
            assertThat(broken.path("firstBroken").path("reason").asText()).contains("missing");
        } finally {
            jdbc.update("insert into audit_log (id, at_ms, actor, action, target, outcome, detail, tenant, client, seq, prev_hash, row_hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    row.get("ID"), row.get("AT_MS"), row.get("ACTOR"), row.get("ACTION"), row.get("TARGET"), row.get("OUTCOME"), row.get("DETAIL"),
                    row.get("TENANT"), row.get("CLIENT"), row.get("SEQ"), row.get("PREV_HASH"), row.get("ROW_HASH"));
        }
        assertThat(get("/audit/verify", admin()).json().path("intact").asBoolean()).isTrue();
    }

    @Test
    void theAuditIsQueriedByActorActionTargetAndTimeAndPaged() {
        String name = TaskRestTest.unique("q");
        String from = java.time.Instant.now().minusSeconds(1).toString();
        assertThat(postJson("/clusters", admin(), Map.of("name", name, "nodes", List.of(Map.of("id", "n1")))).status()).isEqualTo(201);
        assertThat(delete("/clusters/" + name, admin()).status()).isEqualTo(204);
        JsonNode r = get("/audit?actor=admin&target=cluster/" + name + "&from=" + from + "&size=1&page=0", admin()).json();
        assertThat(r.path("total").asLong()).isEqualTo(2);
        assertThat(r.path("items")).hasSize(1);
        assertThat(r.path("items").get(0).path("action").asText()).isEqualTo("cluster:delete");
        assertThat(r.path("items").get(0).path("client").asText()).isEqualTo("127.0.0.1");
        assertThat(r.path("items").get(0).path("tenant").asText()).isEqualTo("default");
        JsonNode page1 = get("/audit?actor=admin&target=cluster/" + name + "&size=1&page=1", admin()).json();
        assertThat(page1.path("items").get(0).path("action").asText()).isEqualTo("cluster:create");
        assertThat(get("/audit?action=cluster:create&target=cluster/" + name, admin()).json().path("total").asLong()).isEqualTo(1);
        assertThat(get("/audit?target=cluster/" + name + "&to=" + from, admin()).json().path("total").asLong()).isZero();
        assertRefused(get("/audit?from=yesterday", admin()), 400, "from");
        // a tenant's user sees only its tenant's rows
        String other = user("atk-audit", Roles.VIEWER, null);
        assertThat(get("/audit?target=cluster/" + name, token(other)).json().path("total").asLong()).isZero();
    }
}
