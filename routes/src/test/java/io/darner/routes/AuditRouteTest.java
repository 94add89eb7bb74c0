package io.darner.routes;

import io.darner.processors.Props;
import io.darner.processors.store.AuditStore;
import io.darner.processors.store.Principal;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Route {@code audit}: every change is one row (who, what, which object, outcome); reads write none. */
class AuditRouteTest extends LifecycleTestSupport {

    @BeforeEach
    void startContext() throws Exception {
        start();
    }

    private List<AuditStore.Entry> entries() {
        return h.audit.latest(1000); // newest first; rows of the same millisecond in any order
    }

    @Test
    void theOperationIsRecordedWithActorActionAndTarget() {
        NotifyBuilder done = new NotifyBuilder(context).from("direct:audit").whenDone(1).create();
        template.send("direct:audit", e -> {
            e.setProperty(Props.PRINCIPAL, new Principal("alice", Principal.ADMIN));
            e.setProperty(Props.PERMISSION, "cluster:create");
            e.setProperty(Props.AUDIT_ACTION, "cluster:create");
            e.setProperty(Props.AUDIT_TARGET, "cluster/prod");
        });
        await(done, "audit ran");
        assertThat(entries()).singleElement().satisfies(a -> {
            assertThat(a.actor()).isEqualTo("alice");
            assertThat(a.action()).isEqualTo("cluster:create");
            assertThat(a.target()).isEqualTo("cluster/prod");
            assertThat(a.outcome()).isEqualTo("ok");
            assertThat(a.detail()).isNull();
        });
    }

    @Test
    void withoutActionThePermissionIsTheActionAndWithoutPrincipalTheActorIsTheSystem() {
        template.send("direct:audit", e -> e.setProperty(Props.PERMISSION, "task:stop"));
        assertThat(entries()).singleElement().satisfies(a -> {
            assertThat(a.actor()).isEqualTo("system");
            assertThat(a.action()).isEqualTo("task:stop");
        });
    }

    @Test
    void nothingToRecordWritesNothing() {
        template.sendBody("direct:audit", "x");
        assertThat(entries()).isEmpty();
    }

    @Test
    void throughTheApiOneRowPerChangeRefusedOrNotAndNoneForReads() throws Exception {
        assertThat(call("POST", "/api/v1/clusters", "{\"name\":\"prod\",\"nodes\":[{\"id\":\"n1\"}]}").status()).isEqualTo(201);
        assertThat(call("POST", "/api/v1/files", "{\"name\":\"app\",\"version\":\"1.0\",\"source\":\"https://o/app.tar\"}").status()).isEqualTo(201);
        assertThat(call("GET", "/api/v1/clusters", null).status()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/files/app/1.0", null).status()).isEqualTo(200);
        assertThat(call("POST", "/api/v1/clusters", "{\"name\":\"prod\",\"nodes\":[{\"id\":\"n1\"}]}").status()).as("exists").isEqualTo(409);
        assertThat(call("POST", "/api/v1/clusters", "{\"name\":\"bad name\",\"nodes\":[{\"id\":\"n1\"}]}").status()).isEqualTo(400);
        assertThat(call("DELETE", "/api/v1/files/app/1.0", null).status()).isEqualTo(204);
        assertThat(call("DELETE", "/api/v1/clusters/prod", null).status()).isEqualTo(204);
        assertThat(entries()).extracting(AuditStore.Entry::actor, AuditStore.Entry::action, AuditStore.Entry::target, AuditStore.Entry::outcome)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("alice", "cluster:create", "cluster/prod", "ok"),
                        org.assertj.core.groups.Tuple.tuple("alice", "file:create", "file/app@1.0", "ok"),
                        org.assertj.core.groups.Tuple.tuple("alice", "file:delete", "file/app@1.0", "ok"),
                        org.assertj.core.groups.Tuple.tuple("alice", "cluster:create", "cluster/prod", "refused"),
                        org.assertj.core.groups.Tuple.tuple("alice", "cluster:create", null, "refused"),
                        org.assertj.core.groups.Tuple.tuple("alice", "cluster:delete", "cluster/prod", "ok"));
    }

    @Test
    void throughTheApiALoginIsAuditedAndAWrongPasswordToo() throws Exception {
        h.users.create("bob", "correct horse", Principal.VIEWER);
        assertThat(call("POST", "/api/v1/auth/login", null, "{\"username\":\"bob\",\"password\":\"wrong\"}").status()).isEqualTo(401);
        InMemoryRest.Response ok = call("POST", "/api/v1/auth/login", null, "{\"username\":\"bob\",\"password\":\"correct horse\"}");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/auth/me", ok.json().get("token").asText(), null).json().get("username").asText()).isEqualTo("bob");
        assertThat(entries()).extracting(AuditStore.Entry::actor, AuditStore.Entry::action, AuditStore.Entry::outcome).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("bob", "auth:login", "denied"),
                org.assertj.core.groups.Tuple.tuple("bob", "auth:login", "ok"));
    }

    @Test
    void rowsAreHashChainedAndVerifyFindsAnAlteredRowOrACutEnd() {
        for (int i = 0; i < 3; i++) h.audit.record("alice", "default", "cluster:create", "cluster/c" + i, "ok", null, "10.0.0.1");
        assertThat(h.audit.verify().intact()).isTrue();
        assertThat(h.audit.verify().rows()).isEqualTo(3);
        List<AuditStore.Entry> rows = entries();
        AuditStore.Entry middle = rows.get(1);
        h.db.jdbc().update("update audit_log set outcome = 'denied' where id = ?", middle.id());
        AuditStore.Verification broken = h.audit.verify();
        assertThat(broken.brokenId()).isEqualTo(middle.id());
        assertThat(broken.reason()).contains("altered");
        h.db.jdbc().update("update audit_log set outcome = 'ok' where id = ?", middle.id());
        assertThat(h.audit.verify().intact()).isTrue();
        h.db.jdbc().update("delete from audit_log where id = ?", rows.get(0).id()); // the newest
        assertThat(h.audit.verify().reason()).contains("last row(s) of the chain are missing");
    }

    @Test
    void rowsWrittenBeforeTheChainAreLinkedIntoItOnce() {
        h.db.jdbc().update("insert into audit_log (id, at_ms, actor, action, target, outcome, detail) values ('old-1', 1, 'admin', 'task:create', 'task/1', 'ok', null)");
        h.db.jdbc().update("insert into audit_log (id, at_ms, actor, action, target, outcome, detail) values ('old-2', 2, 'admin', 'task:stop', 'task/1', 'ok', null)");
        assertThat(h.audit.verify().brokenId()).isEqualTo("old-1");
        assertThat(h.audit.sealUnchained()).isEqualTo(2);
        assertThat(h.audit.sealUnchained()).isZero();
        assertThat(h.audit.verify().intact()).isTrue();
        assertThat(entries()).extracting(AuditStore.Entry::id).containsExactly("old-2", "old-1");
    }
}
