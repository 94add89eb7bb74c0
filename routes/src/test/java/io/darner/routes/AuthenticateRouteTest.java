package io.darner.routes;

import io.darner.processors.ApiException;
import io.darner.processors.Props;
import io.darner.processors.lifecycle.AuthenticateProcessor;
import io.darner.processors.store.Principal;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Route {@code authenticate}: a bearer token becomes the caller, anything else is a 401 that names the Authorization header. */
class AuthenticateRouteTest extends LifecycleTestSupport {
    private MockEndpoint after;

    @BeforeEach
    void adviseAndStart() throws Exception {
        advise("authenticate", a -> a.weaveAddLast().to("mock:authenticated"));
        start();
        after = getMockEndpoint("mock:authenticated");
    }

    private Exchange send(String authorization, String permission) {
        return template.send("direct:authenticate", e -> {
            e.setProperty(Props.PERMISSION, permission);
            if (authorization != null) e.getMessage().setHeader("Authorization", authorization);
        });
    }

    private static ApiException refusal(Exchange e) {
        assertThat(e.getException()).isInstanceOf(ApiException.class);
        ApiException a = (ApiException) e.getException();
        assertThat(a.status()).isEqualTo(401);
        assertThat(a.field()).isEqualTo("Authorization");
        assertThat(a.fix()).contains("Authorization: Bearer");
        return a;
    }

    @Test
    void aValidTokenBecomesThePrincipalAndTheTokenDoesNotTravelOn() throws Exception {
        after.expectedMessageCount(1);
        Exchange e = send("Bearer " + adminToken, "task:read");
        after.assertIsSatisfied();
        assertThat(e.getException()).isNull();
        Principal p = e.getProperty(Props.PRINCIPAL, Principal.class);
        assertThat(p.username()).isEqualTo("alice");
        assertThat(p.tenant()).isEqualTo(Principal.DEFAULT_TENANT);
        assertThat(p.role()).isEqualTo(Principal.ADMIN);
        assertThat(p.superAdmin()).isTrue();
        assertThat(p.tokenId()).isNotNull();
        assertThat(after.getExchanges().get(0).getMessage().getHeader("Authorization")).isNull();
    }

    @Test
    void theSchemeIsCaseInsensitive() {
        Exchange e = send("bearer " + viewerToken, "task:read");
        assertThat(e.getException()).isNull();
        assertThat(e.getProperty(Props.PRINCIPAL, Principal.class).username()).isEqualTo("victor");
    }

    @Test
    void missingTokenIs401() throws Exception {
        after.expectedMessageCount(0);
        assertThat(refusal(send(null, "task:read")).getMessage()).isEqualTo("no credentials were sent");
        assertThat(refusal(send("   ", "task:read")).getMessage()).isEqualTo("no credentials were sent");
        after.assertIsSatisfied();
    }

    @Test
    void unknownTokenIs401() {
        assertThat(refusal(send("Bearer drn_not-a-token", "task:read")).getMessage()).isEqualTo("the bearer token is unknown");
        assertThat(refusal(send("Bearer drn_bad token'; --", "task:read")).getMessage()).isEqualTo("the bearer token is malformed");
    }

    @Test
    void expiredTokenIs401() {
        h.db.jdbc().update("update api_tokens set expires_at = ? where username = 'alice'", 1L);
        assertThat(refusal(send("Bearer " + adminToken, "task:read")).getMessage()).isEqualTo("the bearer token expired");
    }

    @Test
    void revokedTokenIs401() {
        h.db.jdbc().update("update api_tokens set revoked_at = 1 where username = 'alice'");
        assertThat(refusal(send("Bearer " + adminToken, "task:read")).getMessage()).isEqualTo("the bearer token was revoked");
    }

    @Test
    void aTokenOfADisabledUserIs401() {
        h.db.jdbc().update("update users set disabled = true where username = 'victor'");
        assertThat(refusal(send("Bearer " + viewerToken, "task:read")).getMessage()).isEqualTo("the bearer token's user victor is disabled");
    }

    @Test
    void aTokenOfADeletedUserIs401() {
        h.db.jdbc().update("delete from users where username = 'victor'");
        refusal(send("Bearer " + viewerToken, "task:read"));
    }

    @Test
    void otherSchemesAre401() {
        assertThat(refusal(send("Basic YWxpY2U6c2VjcmV0", "task:read")).getMessage()).isEqualTo("only bearer tokens are accepted");
    }

    @Test
    void publicOperationsNeedNoToken() throws Exception {
        after.expectedMessageCount(1);
        Exchange e = send(null, AuthenticateProcessor.PUBLIC);
        after.assertIsSatisfied();
        assertThat(e.getException()).isNull();
        assertThat(e.getProperty(Props.PRINCIPAL)).isNull();
    }

    @Test
    void throughTheApiA401IsAJsonBodyNamingTheHeader() throws Exception {
        InMemoryRest.Response r = call("GET", "/api/v1/auth/me", "drn_wrong", null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("field").asText()).isEqualTo("Authorization");
        assertThat(r.json().get("error").asText()).isEqualTo("the bearer token is unknown");
        InMemoryRest.Response ok = call("GET", "/api/v1/auth/me", viewerToken, null);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("username").asText()).isEqualTo("victor");
        assertThat(ok.json().get("role").asText()).isEqualTo("viewer");
    }
}
