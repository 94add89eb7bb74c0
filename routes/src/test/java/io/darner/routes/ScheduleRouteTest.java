package io.darner.routes;

import com.fasterxml.jackson.databind.JsonNode;
import io.darner.processors.Props;
import io.darner.processors.lifecycle.TaskDraft;
import io.darner.processors.store.ClusterStore.NodeRef;
import io.darner.processors.store.NodeState;
import io.darner.processors.store.Principal;
import io.darner.processors.store.TaskState;
import io.darner.processors.store.TaskStore;
import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Route {@code schedule}: the task is written (PENDING → SCHEDULED, with its nodes and events), answered, and handed to fan-out. */
class ScheduleRouteTest extends LifecycleTestSupport {
    private static final String DIGEST = "sha256:" + "cd".repeat(32);

    private Exchange schedule(Long startAt) {
        TaskDraft d = new TaskDraft("https://origin.example/app.tar", null, DIGEST, "/opt/{node}/app.tar", null,
                List.of(new NodeRef("n1", "default"), new NodeRef("n2", "default")), 1000L, startAt, null);
        return template.send("direct:schedule", e -> {
            e.setProperty(Props.DRAFT, d);
            e.setProperty(Props.PRINCIPAL, new Principal("alice", Principal.ADMIN));
        });
    }

    @Test
    void aTaskIsWrittenScheduledAnsweredAndHandedToFanOut() throws Exception {
        advise("schedule", a -> a.mockEndpointsAndSkip("seda:fan-out"));
        start();
        MockEndpoint fanOut = getMockEndpoint("mock:seda:fan-out");
        fanOut.expectedMessageCount(1);

        Exchange e = schedule(null);
        assertThat(e.getException()).isNull();
        String id = e.getMessage().getHeader(Props.TASK_ID, String.class);
        fanOut.assertIsSatisfied();
        assertThat(fanOut.getExchanges().get(0).getMessage().getHeader(Props.TASK_ID)).isEqualTo(id);

        assertThat(e.getProperty(Props.AUDIT_TARGET)).isEqualTo("task/" + id);

        // the row, its nodes and its log
        TaskStore.Task t = task(id);
        assertThat(t.state()).isEqualTo(TaskState.SCHEDULED);
        assertThat(t.createdBy()).isEqualTo("alice");
        assertThat(t.digest()).isEqualTo(DIGEST);
        assertThat(t.rateBytes()).isEqualTo(1000L);
        assertThat(t.targetPath()).isEqualTo("/opt/{node}/app.tar");
        assertThat(nodes(id).values()).extracting(TaskStore.TaskNode::state).containsExactly(NodeState.PENDING, NodeState.PENDING);
        List<TaskStore.TaskEvent> events = h.tasks.events(id);
        assertThat(events).extracting(TaskStore.TaskEvent::state).containsExactly("PENDING", "SCHEDULED");
        assertThat(events.get(0).cause()).isEqualTo("created by alice for 2 node(s)");
        assertThat(events.get(1).cause()).isEqualTo("starts now");
        assertThat(events).extracting(TaskStore.TaskEvent::seq).containsExactly(1, 2);
    }

    @Test
    void aTaskForLaterStaysScheduledWithItsStartTime() throws Exception {
        start();
        NotifyBuilder fannedOut = new NotifyBuilder(context).fromRoute("fan-out").whenDone(1).create();
        long at = System.currentTimeMillis() + 3_600_000;
        String id = schedule(at).getMessage().getHeader(Props.TASK_ID, String.class);
        await(fannedOut, "fan-out looked at the task");
        TaskStore.Task t = task(id);
        assertThat(t.state()).as("not due: fan-out leaves it").isEqualTo(TaskState.SCHEDULED);
        assertThat(t.startAt()).isEqualTo(at);
        assertThat(t.startedAt()).isNull();
        assertThat(h.tasks.events(id).get(1).cause()).isEqualTo("starts at " + Instant.ofEpochMilli(at));
        assertThat(h.active.isActive(id)).isFalse();
    }

    @Test
    void throughTheApiTheCallerGets201WithTheScheduledTask() throws Exception {
        advise("schedule", a -> a.mockEndpointsAndSkip("seda:fan-out"));
        start();
        InMemoryRest.Response r = call("POST", "/api/v1/tasks", "{\"source\":\"https://o/a.tar\",\"target\":\"/opt/a.tar\",\"nodes\":[{\"id\":\"n1\"},{\"id\":\"n2\"}]}");
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        JsonNode body = r.json();
        String id = body.get("id").asText();
        assertThat(body.get("state").asText()).isEqualTo("SCHEDULED");
        assertThat(body.get("createdBy").asText()).isEqualTo("alice");
        assertThat(body.get("summary").get("nodes").asInt()).isEqualTo(2);
        assertThat(body.get("summary").get("pending").asInt()).isEqualTo(2);
        assertThat(task(id).createdBy()).isEqualTo("alice");
        assertThat(stateEvents(id)).containsExactly("PENDING", "SCHEDULED");
        assertThat(h.db.jdbc().queryForObject("select count(*) from tasks", Long.class)).isEqualTo(1L);
    }
}
