package io.darner.routes;

import io.darner.processors.ApiException;
import io.darner.processors.Props;
import io.darner.processors.lifecycle.TaskDraft;
import io.darner.processors.store.ClusterStore;
import io.darner.processors.store.ClusterStore.NodeRef;
import io.darner.processors.store.FileVersionStore;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Route {@code resolve-cluster}: a cluster becomes its nodes, {@code name@version} its source and
 * digest, and every node's room must have a supernode (here: rooms {@code default} and {@code r2}).
 */
class ResolveClusterRouteTest extends LifecycleTestSupport {
    private static final String D1 = "sha256:" + "11".repeat(32);
    private static final String D2 = "sha256:" + "22".repeat(32);
    private MockEndpoint after;

    @Override
    protected LifecycleHarness.Options options() {
        return LifecycleHarness.Options.defaults().withRooms("default", "r2");
    }

    @BeforeEach
    void adviseAndStart() throws Exception {
        advise("resolve-cluster", a -> a.weaveAddLast().to("mock:resolved"));
        start();
        after = getMockEndpoint("mock:resolved");
        long now = System.currentTimeMillis();
        h.clusters.create(new ClusterStore.Cluster("prod", "host", List.of(new NodeRef("n1", "default"), new NodeRef("n2", "r2")), now, "alice"));
        h.clusters.create(new ClusterStore.Cluster("empty", "host", List.of(), now, "alice"));
        h.clusters.create(new ClusterStore.Cluster("far", "host", List.of(new NodeRef("n1", "default"), new NodeRef("n9", "moon")), now, "alice"));
        h.files.create(new FileVersionStore.FileVersion("app", "1.0", "https://origin.example/app-1.0.tar", D1, 10L, now, "alice"));
        h.files.create(new FileVersionStore.FileVersion("app", "2.0", "https://origin.example/app-2.0.tar", null, null, now, "alice"));
    }

    private static TaskDraft draft(String source, String file, String digest, String cluster, List<NodeRef> nodes) {
        return new TaskDraft(source, file, digest, "/opt/app.tar", cluster, nodes, null, null, null);
    }

    private Exchange send(TaskDraft d) {
        return template.send("direct:resolve-cluster", e -> e.setProperty(Props.DRAFT, d));
    }

    private static ApiException refusal(Exchange e, String field) {
        assertThat(e.getException()).isInstanceOf(ApiException.class);
        ApiException a = (ApiException) e.getException();
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.field()).isEqualTo(field);
        assertThat(a.fix()).isNotBlank();
        return a;
    }

    @Test
    void aClusterBecomesItsNodesWithTheirRooms() throws Exception {
        after.expectedMessageCount(1);
        Exchange e = send(draft("https://o/a", null, null, "prod", List.of()));
        after.assertIsSatisfied();
        assertThat(e.getProperty(Props.DRAFT, TaskDraft.class).nodes()).containsExactly(new NodeRef("n1", "default"), new NodeRef("n2", "r2"));
    }

    @Test
    void anExplicitNodeListStaysAsGiven() {
        List<NodeRef> nodes = List.of(new NodeRef("x", "r2"));
        Exchange e = send(draft("https://o/a", null, null, null, nodes));
        TaskDraft d = e.getProperty(Props.DRAFT, TaskDraft.class);
        assertThat(d.nodes()).isEqualTo(nodes);
        assertThat(d.sourceUrl()).isEqualTo("https://o/a");
        assertThat(d.digest()).isNull();
    }

    @Test
    void aFileVersionBecomesItsSourceAndDigest() {
        TaskDraft d = send(draft(null, "app@1.0", null, "prod", List.of())).getProperty(Props.DRAFT, TaskDraft.class);
        assertThat(d.sourceUrl()).isEqualTo("https://origin.example/app-1.0.tar");
        assertThat(d.digest()).isEqualTo(D1);
        assertThat(d.fileRef()).isEqualTo("app@1.0");
        TaskDraft noDigest = send(draft(null, "app@2.0", D2, "prod", List.of())).getProperty(Props.DRAFT, TaskDraft.class);
        assertThat(noDigest.digest()).as("the caller's digest where none is registered").isEqualTo(D2);
    }

    @Test
    void aFileVersionReadingOutsideTheFileSourcesIs400() throws Exception {
        after.expectedMessageCount(0);
        h.files.create(new FileVersionStore.FileVersion("secrets", "1", "file:///etc/shadow", null, null, System.currentTimeMillis(), "alice"));
        assertThat(refusal(send(draft(null, "secrets@1", null, "prod", List.of())), "file").getMessage()).contains("file:///etc/shadow");
        after.assertIsSatisfied();
    }

    @Test
    void unknownClusterIs400() throws Exception {
        after.expectedMessageCount(0);
        assertThat(refusal(send(draft("https://o/a", null, null, "staging", List.of())), "cluster").getMessage())
                .isEqualTo("cluster staging does not exist");
        after.assertIsSatisfied();
    }

    @Test
    void aClusterWithoutNodesIs400() {
        assertThat(refusal(send(draft("https://o/a", null, null, "empty", List.of())), "cluster").getMessage()).contains("has no nodes");
    }

    @Test
    void unknownFileVersionIs400() {
        assertThat(refusal(send(draft(null, "app@3.0", null, "prod", List.of())), "file").getMessage()).isEqualTo("file version app@3.0 does not exist");
    }

    @Test
    void aDigestOtherThanTheRegisteredOneIs400() {
        assertThat(refusal(send(draft(null, "app@1.0", D2, "prod", List.of())), "digest").getMessage()).contains(D1).contains(D2);
    }

    @Test
    void aRoomWithoutSupernodeIs400NamingTheNode() {
        assertThat(refusal(send(draft("https://o/a", null, null, null, List.of(new NodeRef("a", "default"), new NodeRef("b", "moon")))), "nodes[1].room")
                .getMessage()).isEqualTo("node b is in room moon, which no supernode serves");
        assertThat(refusal(send(draft("https://o/a", null, null, "far", List.of())), "cluster").getMessage()).contains("n9").contains("moon");
    }

    @Test
    void throughTheApiAnUnknownClusterIs400AndNothingIsWritten() throws Exception {
        InMemoryRest.Response r = call("POST", "/api/v1/tasks", "{\"source\":\"https://o/a\",\"target\":\"/a\",\"cluster\":\"staging\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo("cluster");
        assertThat(h.db.jdbc().queryForObject("select count(*) from tasks", Long.class)).isZero();
    }
}
