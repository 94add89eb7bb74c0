package io.darner.routes;

import io.darner.processors.ApiException;
import io.darner.processors.Props;
import io.darner.processors.lifecycle.TaskDraft;
import io.darner.processors.store.ClusterStore.NodeRef;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Route {@code validate}: the task request, field by field; a fault is a 400 naming the field and the fix, and nothing is written. */
class ValidateRouteTest extends LifecycleTestSupport {
    private static final String OK_DIGEST = "sha256:" + "ab".repeat(32);
    private MockEndpoint after;

    @BeforeEach
    void adviseAndStart() throws Exception {
        advise("validate", a -> a.weaveAddLast().to("mock:valid"));
        start();
        after = getMockEndpoint("mock:valid");
    }

    private Exchange send(String json) {
        return template.send("direct:validate", e -> e.getMessage().setBody(json));
    }

    private ApiException refused(String json) {
        Exchange e = send(json);
        assertThat(e.getException()).as("refused: %s", json).isInstanceOf(ApiException.class);
        ApiException a = (ApiException) e.getException();
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.fix()).isNotBlank();
        return a;
    }

    @Test
    void aGoodRequestBecomesTheDraft() throws Exception {
        after.expectedMessageCount(1);
        String start = Instant.now().plusSeconds(3600).toString();
        Exchange e = send("{\"source\":\"https://origin.example/app.tar\",\"target\":\"/opt/app/app.tar\",\"digest\":\"SHA256:" + "AB".repeat(32)
                + "\",\"rate\":\"50MB/s\",\"startAt\":\"" + start + "\",\"nodes\":[{\"id\":\"n1\"},{\"id\":\"n2\",\"room\":\"r2\"}]}");
        after.assertIsSatisfied();
        assertThat(e.getException()).isNull();
        TaskDraft d = e.getProperty(Props.DRAFT, TaskDraft.class);
        assertThat(d.sourceUrl()).isEqualTo("https://origin.example/app.tar");
        assertThat(d.digest()).isEqualTo(OK_DIGEST);
        assertThat(d.target()).isEqualTo("/opt/app/app.tar");
        assertThat(d.nodes()).containsExactly(new NodeRef("n1", "default"), new NodeRef("n2", "r2"));
        assertThat(d.rateBytes()).isEqualTo(50_000_000L);
        assertThat(d.startAt()).isEqualTo(Instant.parse(start).toEpochMilli());
    }

    @Test
    void aFileVersionAndAClusterAreAccepted() {
        Exchange e = send("{\"file\":\"app-package@1.4.2\",\"cluster\":\"prod\",\"target\":\"/opt/app.tar\",\"rate\":1000}");
        assertThat(e.getException()).isNull();
        TaskDraft d = e.getProperty(Props.DRAFT, TaskDraft.class);
        assertThat(d.fileRef()).isEqualTo("app-package@1.4.2");
        assertThat(d.cluster()).isEqualTo("prod");
        assertThat(d.rateBytes()).isEqualTo(1000L);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no source nor file             | source       | {"target":"/a","nodes":[{"id":"n1"}]}
            both source and file           | source       | {"source":"file:///a","file":"a@1","target":"/a","nodes":[{"id":"n1"}]}
            malformed URL                  | source       | {"source":"http://exa mple/ a","target":"/a","nodes":[{"id":"n1"}]}
            unsupported scheme             | source       | {"source":"ftp://origin/a","target":"/a","nodes":[{"id":"n1"}]}
            relative URL                   | source       | {"source":"origin/a","target":"/a","nodes":[{"id":"n1"}]}
            file not name@version          | file         | {"file":"app","target":"/a","nodes":[{"id":"n1"}]}
            no cluster nor nodes           | cluster      | {"source":"file:///a","target":"/a"}
            both cluster and nodes         | cluster      | {"source":"file:///a","target":"/a","cluster":"c","nodes":[{"id":"n1"}]}
            bad cluster name               | cluster      | {"source":"file:///a","target":"/a","cluster":"../etc"}
            empty node list                | nodes        | {"source":"file:///a","target":"/a","nodes":[]}
            node without id                | nodes[0].id  | {"source":"file:///a","target":"/a","nodes":[{"room":"r1"}]}
            bad node id                    | nodes[1].id  | {"source":"file:///a","target":"/a","nodes":[{"id":"n1"},{"id":"n 2"}]}
            node listed twice              | nodes[1].id  | {"source":"file:///a","target":"/a","nodes":[{"id":"n1"},{"id":"n1"}]}
            bad room                       | nodes[0].room | {"source":"file:///a","target":"/a","nodes":[{"id":"n1","room":"r 1"}]}
            no target                      | target       | {"source":"file:///a","nodes":[{"id":"n1"}]}
            relative target                | target       | {"source":"file:///a","target":"opt/a","nodes":[{"id":"n1"}]}
            target with ..                 | target       | {"source":"file:///a","target":"/opt/../etc/passwd","nodes":[{"id":"n1"}]}
            target is a directory         | target       | {"source":"file:///a","target":"/opt/app/","nodes":[{"id":"n1"}]}
            digest without sha256:         | digest       | {"source":"file:///a","target":"/a","nodes":[{"id":"n1"}],"digest":"abab"}
            digest too short               | digest       | {"source":"file:///a","target":"/a","nodes":[{"id":"n1"}],"digest":"sha256:abcd"}
            digest not hex                 | digest       | {"source":"file:///a","target":"/a","nodes":[{"id":"n1"}],"digest":"sha256:zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"}
            negative rate                  | rate         | {"source":"file:///a","target":"/a","nodes":[{"id":"n1"}],"rate":-5}
            absurd rate                    | rate         | {"source":"file:///a","target":"/a","nodes":[{"id":"n1"}],"rate":"1Tbit/s"}
            fractional rate                | rate         | {"source":"file:///a","target":"/a","nodes":[{"id":"n1"}],"rate":1.5}
            rate not a rate                | rate         | {"source":"file:///a","target":"/a","nodes":[{"id":"n1"}],"rate":"fast"}
            rate of the wrong type         | rate         | {"source":"file:///a","target":"/a","nodes":[{"id":"n1"}],"rate":true}
            startAt not ISO-8601           | startAt      | {"source":"file:///a","target":"/a","nodes":[{"id":"n1"}],"startAt":"tomorrow"}
            startAt in the past            | startAt      | {"source":"file:///a","target":"/a","nodes":[{"id":"n1"}],"startAt":"2020-01-01T00:00:00Z"}
            unknown field                  | sources      | {"sources":"file:///a","target":"/a","nodes":[{"id":"n1"}]}
            field of the wrong type        | nodes        | {"source":"file:///a","target":"/a","nodes":"n1"}
            """)
    void eachBadFieldIs400NamingIt(String why, String field, String json) throws Exception {
        after.expectedMessageCount(0);
        ApiException a = refused(json);
        assertThat(a.field()).as(why + ": " + a.getMessage()).isEqualTo(field);
        after.assertIsSatisfied();
    }

    @Test
    void aBodyThatIsNotAJsonObjectIs400ForTheWholeRequest() {
        // the body as a whole is at fault: no field of the request is named (or the field 'body')
        for (String body : new String[] {"", "null", "{\"source\": ", "{} {}", "[1, 2]", "not json"}) {
            ApiException a = refused(body);
            assertThat(a.field()).as("%s -> %s", body, a.getMessage()).isIn(null, "body");
        }
        assertThat(refused("").getMessage()).isEqualTo("the request has no JSON body");
        assertThat(refused("null").getMessage()).isEqualTo("the request body is JSON null");
        assertThat(refused("not json").getMessage()).startsWith("the request body is not valid JSON");
    }

    @Test
    void throughTheApiA400NamesFieldAndFixAndWritesNothingButTheAuditRow() throws Exception {
        InMemoryRest.Response r = call("POST", "/api/v1/tasks", "{\"source\":\"file:///a\",\"target\":\"/a\",\"nodes\":[{\"id\":\"n1\"}],\"digest\":\"md5:1\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("status").asInt()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo("digest");
        assertThat(r.json().get("error").asText()).contains("md5:1");
        assertThat(r.json().get("fix").asText()).isNotBlank();
        assertThat(h.db.jdbc().queryForObject("select count(*) from tasks", Long.class)).isZero();
        // a refused change is audited too (actor, action, outcome 'refused', the error)
        assertThat(h.audit.latest(10)).singleElement().satisfies(a -> {
            assertThat(a.action()).isEqualTo("task:create");
            assertThat(a.outcome()).isEqualTo("refused");
            assertThat(a.detail()).startsWith("400 ");
        });
    }
}
