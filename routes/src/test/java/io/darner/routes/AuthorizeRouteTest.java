package io.darner.routes;

import io.darner.processors.ApiException;
import io.darner.processors.Props;
import io.darner.processors.lifecycle.AuthenticateProcessor;
import io.darner.processors.store.AuditStore;
import io.darner.processors.store.Principal;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Route {@code authorize}: the caller must hold the operation's permission; a refusal is a 403 and is audited. */
class AuthorizeRouteTest extends LifecycleTestSupport {
    private MockEndpoint after;

    @BeforeEach
    void adviseAndStart() throws Exception {
        advise("authorize", a -> a.weaveAddLast().to("mock:authorized"));
        start();
        after = getMockEndpoint("mock:authorized");
    }

    private Exchange send(Principal p, String permission) {
        return template.send("direct:authorize", e -> {
            if (permission != null) e.setProperty(Props.PERMISSION, permission);
            if (p != null) e.setProperty(Props.PRINCIPAL, p);
            e.setProperty(Props.AUDIT_TARGET, "cluster/prod");
        });
    }

    @Test
    void anAdministratorMayDoEverything() throws Exception {
        after.expectedMessageCount(3);
        for (String perm : new String[] {"task:create", "cluster:delete", "audit:read"}) {
            assertThat(send(new Principal("alice", Principal.ADMIN), perm).getException()).isNull();
        }
        after.assertIsSatisfied();
        assertThat(h.audit.latest(10)).isEmpty();
    }

    @Test
    void aViewerMayRead() {
        assertThat(send(new Principal("victor", Principal.VIEWER), "task:read").getException()).isNull();
    }

    @Test
    void aViewerMayNotChangeAnythingAndTheRefusalIsAudited() throws Exception {
        after.expectedMessageCount(0);
        Exchange e = send(new Principal("victor", Principal.VIEWER), "cluster:delete");
        after.assertIsSatisfied();
        assertThat(e.getException()).isInstanceOf(ApiException.class);
        ApiException a = (ApiException) e.getException();
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.getMessage()).isEqualTo("user victor (role viewer) may not cluster:delete");
        assertThat(a.fix()).contains("cluster:delete");
        assertThat(h.audit.latest(10)).singleElement().satisfies(entry -> {
            assertThat(entry.actor()).isEqualTo("victor");
            assertThat(entry.action()).isEqualTo("cluster:delete");
            assertThat(entry.target()).isEqualTo("cluster/prod");
            assertThat(entry.outcome()).isEqualTo("denied");
            assertThat(entry.detail()).isEqualTo("role viewer");
        });
    }

    @Test
    void anUnknownRoleMayDoNothing() {
        Exchange e = send(new Principal("mallory", "operator"), "task:read");
        assertThat(((ApiException) e.getException()).status()).isEqualTo(403);
    }

    @Test
    void noPrincipalIs401() {
        Exchange e = send(null, "task:read");
        assertThat(((ApiException) e.getException()).status()).isEqualTo(401);
        assertThat(h.audit.latest(10)).isEmpty();
    }

    @Test
    void publicOperationsNeedNoPrincipal() {
        assertThat(send(null, AuthenticateProcessor.PUBLIC).getException()).isNull();
    }

    @Test
    void aRouteThatSetsNoPermissionIsAServerFaultNotAnOpenDoor() {
        Exchange e = send(new Principal("alice", Principal.ADMIN), null);
        assertThat(e.getException()).isInstanceOf(IllegalStateException.class).hasMessageContaining("no permission");
    }

    @Test
    void throughTheApiAViewerGets403AndNothingIsWritten() throws Exception {
        InMemoryRest.Response r = call("POST", "/api/v1/clusters", viewerToken, "{\"name\":\"prod\",\"nodes\":[{\"id\":\"n1\"}]}");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("error").asText()).contains("may not cluster:create");
        assertThat(h.clusters.list()).isEmpty();
        assertThat(h.audit.latest(10)).extracting(AuditStore.Entry::outcome).containsExactly("denied");
        assertThat(call("GET", "/api/v1/clusters", viewerToken, null).status()).isEqualTo(200);
    }

    @Test
    void anotherTenantsObjectIs404AsIfItDidNotExistAndTheSuperAdministratorSeesIt() throws Exception {
        h.users.rights().createTenant("other", "test");
        h.clusters.create(new io.darner.processors.store.ClusterStore.Cluster("theirs", "host",
                java.util.List.of(new io.darner.processors.store.ClusterStore.NodeRef("n1", "default")), 1L, "test", "other"));
        h.users.create("olga", "olga-password-123", "other", java.util.List.of(new Principal.Grant("cluster-admin", java.util.Set.of(), null)));
        String olga = h.users.issueToken("olga", "t", 0);
        // victor (default tenant) cannot see it: the same 404 as a name that does not exist
        InMemoryRest.Response foreign = call("GET", "/api/v1/clusters/theirs", viewerToken, null);
        InMemoryRest.Response missing = call("GET", "/api/v1/clusters/nothing", viewerToken, null);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.json().get("error").asText()).isEqualTo("cluster theirs does not exist");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(call("GET", "/api/v1/clusters/theirs", olga, null).status()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/clusters/theirs", adminToken, null).status()).as("super administrator").isEqualTo(200);
        assertThat(call("DELETE", "/api/v1/clusters/theirs", viewerToken, null).status()).as("no right at all: 403 first").isEqualTo(403);
    }

    @Test
    void aRoleLimitedToAClusterIsRefusedOnAnotherWith403() throws Exception {
        h.clusters.create(new io.darner.processors.store.ClusterStore.Cluster("x", "host",
                java.util.List.of(new io.darner.processors.store.ClusterStore.NodeRef("n1", "default")), 1L, "test"));
        h.clusters.create(new io.darner.processors.store.ClusterStore.Cluster("y", "host",
                java.util.List.of(new io.darner.processors.store.ClusterStore.NodeRef("n1", "default")), 1L, "test"));
        h.users.create("xavier", "xavier-password-1", "default", java.util.List.of(new Principal.Grant("cluster-admin", java.util.Set.of(), java.util.Set.of("x"))));
        String t = h.users.issueToken("xavier", "t", 0);
        InMemoryRest.Response r = call("DELETE", "/api/v1/clusters/y", t, null);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("error").asText()).isEqualTo("user xavier (role cluster-admin) may not cluster:delete on cluster y");
        assertThat(h.audit.latest(10)).singleElement().satisfies(a -> {
            assertThat(a.actor()).isEqualTo("xavier");
            assertThat(a.target()).isEqualTo("cluster/y");
            assertThat(a.outcome()).isEqualTo("denied");
        });
        assertThat(call("DELETE", "/api/v1/clusters/x", t, null).status()).isEqualTo(204);
    }
}
