package io.darner.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Health, login, tokens, me, the OpenAPI document, and who may call what: anonymous 401, viewer 403 on writes. */
class AuthRestTest extends RestTestBase {

    /** One endpoint of ApiRoutes: method, path as declared, a concrete path to call, and whether it changes anything. */
    record Endpoint(String method, String path, String call, boolean write) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** Every endpoint of /api/v1 ({@link #theCatalogueIsEveryRestEndpoint} keeps this complete). */
    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/health", "/health", false),
            new Endpoint("POST", "/auth/login", "/auth/login", false),
            new Endpoint("POST", "/auth/tokens", "/auth/tokens", true),
            new Endpoint("GET", "/auth/me", "/auth/me", false),
            new Endpoint("POST", "/tasks", "/tasks", true),
            new Endpoint("GET", "/tasks", "/tasks", false),
            new Endpoint("GET", "/tasks/{id}", "/tasks/no-such-task", false),
            new Endpoint("POST", "/tasks/{id}/stop", "/tasks/no-such-task/stop", true),
            new Endpoint("DELETE", "/tasks/{id}", "/tasks/no-such-task", true),
            new Endpoint("POST", "/tasks/{id}/copy", "/tasks/no-such-task/copy", true),
            new Endpoint("GET", "/tasks/{id}/events", "/tasks/no-such-task/events", false),
            new Endpoint("POST", "/files", "/files", true),
            new Endpoint("GET", "/files", "/files", false),
            new Endpoint("GET", "/files/{name}/{version}", "/files/no-such-file/1", false),
            new Endpoint("DELETE", "/files/{name}/{version}", "/files/no-such-file/1", true),
            new Endpoint("POST", "/clusters", "/clusters", true),
            new Endpoint("GET", "/clusters", "/clusters", false),
            new Endpoint("GET", "/clusters/{name}", "/clusters/no-such-cluster", false),
            new Endpoint("DELETE", "/clusters/{name}", "/clusters/no-such-cluster", true),
            new Endpoint("GET", "/nodes", "/nodes", false),
            new Endpoint("GET", "/audit", "/audit", false));

    static final Set<String> PUBLIC = Set.of("GET /health", "POST /auth/login");

    @Autowired
    CamelContext camel;

    static Stream<Endpoint> protectedEndpoints() {
        return Stream.concat(ENDPOINTS.stream().filter(e -> !PUBLIC.contains(e.toString())),
                Stream.of(new Endpoint("GET", "/openapi.json", "/openapi.json", false)));
    }

    static Stream<Endpoint> writes() {
        return ENDPOINTS.stream().filter(Endpoint::write);
    }

    static Stream<Endpoint> reads() {
        return Stream.concat(ENDPOINTS.stream().filter(e -> !e.write() && !PUBLIC.contains(e.toString())),
                Stream.of(new Endpoint("GET", "/openapi.json", "/openapi.json", false)));
    }

    Res call(Endpoint e, String token) {
        return switch (e.method()) {
            case "GET" -> get(e.call(), token);
            case "DELETE" -> delete(e.call(), token);
            default -> post(e.call(), token, "{}");
        };
    }

    // ---- the catalogue is complete, and the OpenAPI document lists it

    @Test
    void theCatalogueIsEveryRestEndpoint() {
        Set<String> declared = new TreeSet<>();
        for (RestDefinition rest : camel.getCamelContextExtension().getContextPlugin(Model.class).getRestDefinitions()) {
            for (VerbDefinition v : rest.getVerbs()) declared.add(v.asVerb().toUpperCase() + " " + v.getPath());
        }
        assertThat(declared).containsExactlyInAnyOrderElementsOf(ENDPOINTS.stream().map(Endpoint::toString).toList());
    }

    @Test
    void openApiListsEveryEndpoint() {
        Res r = get("/openapi.json", admin());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode doc = r.json();
        assertThat(doc.path("info").path("title").asText()).isEqualTo("Darner control plane");
        Set<String> listed = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> p = paths.next();
            p.getValue().fieldNames().forEachRemaining(m -> listed.add(m.toUpperCase() + " " + p.getKey()));
        }
        List<String> expected = new ArrayList<>();
        for (Endpoint e : ENDPOINTS) expected.add(e.method() + " /api/v1" + e.path());
        assertThat(listed).containsAll(expected);
        // query parameters are documented
        JsonNode list = doc.path("paths").path("/api/v1/tasks").path("get").path("parameters");
        Set<String> params = new HashSet<>();
        list.forEach(p -> params.add(p.path("name").asText()));
        assertThat(params).contains("state", "cluster", "creator", "page", "size");
    }

    @Test
    void openApiDoesNotEchoTheBearerToken() {
        Res r = get("/openapi.json", admin());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("Authorization"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/health", "/auth/me", "/tasks", "/tasks/no-such-task", "/openapi.json"})
    void responsesDoNotEchoRequestHeaders(String path) {
        Res r = send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + path))
                .header("authorization", "Bearer " + admin()).header("X-Probe", "echo-probe").GET());
        assertThat(r.status()).as(r.toString()).isIn(200, 404);
        assertThat(r.raw().headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("Authorization") || h.equalsIgnoreCase("X-Probe"));
        assertThat(r.raw().headers().map().values()).noneMatch(v -> v.toString().contains(admin()) || v.toString().contains("echo-probe"));
    }

    // ---- health and login

    @Test
    void healthIsAnonymous() {
        Res r = get("/health", null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("status").asText()).isEqualTo("UP");
        assertThat(r.json().path("rooms")).extracting(JsonNode::asText).containsExactly("default");
        Res withToken = get("/health", admin());
        assertThat(withToken.status()).isEqualTo(200);
        assertThat(withToken.raw().headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("Authorization"));
    }

    @Test
    void loginWithTheRightPasswordGivesASessionToken() {
        long audited = count("audit_log");
        Res r = post("/auth/login", null, "{\"username\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.path("token").asText()).startsWith("drn_");
        assertThat(body.path("username").asText()).isEqualTo("admin");
        assertThat(body.path("role").asText()).isEqualTo("admin");
        assertThat(body.path("expiresInSeconds").asLong()).isEqualTo(12 * 3600);
        Res me = get("/auth/me", body.path("token").asText());
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().path("username").asText()).isEqualTo("admin");
        assertThat(count("audit_log")).isGreaterThan(audited);
        assertThat(jdbc.queryForObject("select count(*) from audit_log where action = 'auth:login' and actor = 'admin' and outcome = 'ok'", Long.class))
                .isPositive();
    }

    @Test
    void loginWithAWrongPasswordIs401AndAudited() {
        long tokens = count("api_tokens");
        Res r = post("/auth/login", null, "{\"username\":\"admin\",\"password\":\"wrong\"}");
        assertRefused(r, 401, "password");
        assertThat(count("api_tokens")).isEqualTo(tokens);
        assertThat(jdbc.queryForObject("select count(*) from audit_log where action = 'auth:login' and outcome = 'denied'", Long.class)).isPositive();
    }

    @Test
    void loginAsAnUnknownUserIs401() {
        assertRefused(post("/auth/login", null, "{\"username\":\"nobody\",\"password\":\"x\"}"), 401, "password");
    }

    @Test
    void loginWithoutAPasswordIs400() {
        assertRefused(post("/auth/login", null, "{\"username\":\"admin\"}"), 400, "password");
        assertRefused(post("/auth/login", null, "{\"password\":\"x\"}"), 400, "username");
    }

    // ---- tokens and me

    @Test
    void aNamedTokenIsIssuedAndWorks() {
        long tokens = count("api_tokens");
        Res r = post("/auth/tokens", admin(), "{\"name\":\"ci-release\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().path("token").asText()).startsWith("drn_");
        assertThat(r.json().path("username").asText()).isEqualTo("admin");
        assertThat(r.json().has("expiresInSeconds")).isFalse();
        assertThat(count("api_tokens")).isEqualTo(tokens + 1);
        Res me = get("/auth/me", r.json().path("token").asText());
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().path("username").asText()).isEqualTo("admin");
        assertThat(jdbc.queryForObject("select count(*) from audit_log where action = 'token:create' and target = 'user/admin/token/ci-release'", Long.class))
                .isEqualTo(1);
    }

    @Test
    void aTokenWithoutANameIs400() {
        long tokens = count("api_tokens");
        assertRefused(post("/auth/tokens", admin(), "{}"), 400, "name");
        assertThat(count("api_tokens")).isEqualTo(tokens);
    }

    @Test
    void meNamesTheUserAndRole() {
        Res r = get("/auth/me", tokenOf("auth-viewer", "viewer"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("username").asText()).isEqualTo("auth-viewer");
        assertThat(r.json().path("role").asText()).isEqualTo("viewer");
    }

    // ---- anonymous: 401 naming the Authorization field

    @ParameterizedTest(name = "{0}")
    @MethodSource("protectedEndpoints")
    void anonymousCallsAre401(Endpoint e) {
        JsonNode body = assertRefused(call(e, null), 401, "Authorization");
        assertThat(body.path("fix").asText()).contains("Authorization: Bearer");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protectedEndpoints")
    void anUnknownTokenIs401(Endpoint e) {
        assertRefused(call(e, "drn_not-a-real-token"), 401, "Authorization");
    }

    @Test
    void onlyBearerTokensAreAccepted() {
        Res r = send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + "/tasks"))
                .header("Authorization", "Basic YWRtaW46eA==").GET());
        JsonNode body = assertRefused(r, 401, "Authorization");
        assertThat(body.path("error").asText()).contains("bearer");
    }

    // ---- a viewer reads but does not write

    @ParameterizedTest(name = "{0}")
    @MethodSource("writes")
    void aViewerMayNotWrite(Endpoint e) {
        Snapshot before = snapshot();
        long tokens = count("api_tokens");
        Res r = call(e, tokenOf("viewer-1", "viewer"));
        assertThat(r.status()).as(r.toString()).isEqualTo(403);
        assertThat(r.json().path("error").asText()).contains("viewer-1").contains("viewer");
        assertThat(r.json().path("fix").asText()).isNotBlank();
        assertThat(snapshot()).isEqualTo(before);
        assertThat(count("api_tokens")).isEqualTo(tokens + 1); // the one tokenOf made, no more
        assertThat(jdbc.queryForObject("select count(*) from audit_log where actor = 'viewer-1' and outcome = 'denied'", Long.class)).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reads")
    void aViewerMayRead(Endpoint e) {
        Res r = call(e, tokenOf("viewer-2", "viewer"));
        assertThat(r.status()).as(r.toString()).isIn(200, 404);
    }
}
