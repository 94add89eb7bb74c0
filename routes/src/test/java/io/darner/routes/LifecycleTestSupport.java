package io.darner.routes;

import com.fasterxml.jackson.databind.JsonNode;
import io.darner.processors.store.NodeState;
import io.darner.processors.store.Principal;
import io.darner.processors.store.TaskState;
import io.darner.processors.store.TaskStore;
import io.darner.processors.store.ClusterStore.NodeRef;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.util.function.ThrowingConsumer;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Base of the route tests: a fresh {@link LifecycleHarness} and Camel context per test, started
 * by {@link #start} after the test's advice. The {@code reconcile} timer is always replaced by
 * {@code direct:reconcile}, so nothing runs on a clock: a test that needs a reconcile pass sends one.
 */
abstract class LifecycleTestSupport extends CamelTestSupport {
    /** Upper bound for anything asynchronous; a passing test is never near it. */
    static final long WAIT_SECONDS = 20;

    protected LifecycleHarness h;
    protected String adminToken;
    protected String viewerToken;

    LifecycleTestSupport() {
        testConfiguration().withUseAdviceWith(true);
    }

    protected LifecycleHarness.Options options() {
        return LifecycleHarness.Options.defaults();
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext c = super.createCamelContext();
        h = new LifecycleHarness(options());
        h.bind(c);
        adminToken = h.tokenFor("alice", Principal.ADMIN);
        viewerToken = h.tokenFor("victor", Principal.VIEWER);
        return c;
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() throws Exception {
        return h.routes(context);
    }

    /** Applies {@code advice} to route {@code routeId} (before {@link #start}). */
    protected void advise(String routeId, ThrowingConsumer<AdviceWithRouteBuilder, Exception> advice) throws Exception {
        AdviceWith.adviceWith(context, routeId, advice);
    }

    /** Starts the context with the reconcile timer replaced by {@code direct:reconcile}. */
    protected void start() throws Exception {
        advise("reconcile", a -> a.replaceFromWith("direct:reconcile"));
        context.start();
    }

    // ---- the API as a client calls it

    protected InMemoryRest.Response call(String verb, String path, String token, String body) throws Exception {
        return h.rest.call(verb, path, token == null ? null : "Bearer " + token, body);
    }

    protected InMemoryRest.Response call(String verb, String path, String body) throws Exception {
        return call(verb, path, adminToken, body);
    }

    /** Creates a task through the API (as alice) and returns its id. */
    protected String createTask(String json) throws Exception {
        InMemoryRest.Response r = call("POST", "/api/v1/tasks", json);
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        return r.json().get("id").asText();
    }

    /** JSON of a task request for a file source and explicit nodes of the default room. */
    protected String taskJson(String sourceUrl, String digest, String... nodes) {
        StringBuilder b = new StringBuilder("{\"source\":\"" + sourceUrl + "\",\"target\":\"" + h.target() + "\"");
        if (digest != null) b.append(",\"digest\":\"").append(digest).append('"');
        b.append(",\"nodes\":[");
        for (int i = 0; i < nodes.length; i++) b.append(i == 0 ? "" : ",").append("{\"id\":\"").append(nodes[i]).append("\"}");
        return b.append("]}").toString();
    }

    /** A notification once {@code count} task ends passed verify (the exchange that settles a task carries DarnerFinished). */
    protected NotifyBuilder whenTasksFinished(int count) {
        return new NotifyBuilder(context).fromRoute("track")
                .filter(e -> e.getProperty("DarnerFinished") != null).whenDone(count).create();
    }

    protected static void await(NotifyBuilder notify, String what) {
        assertThat(notify.matches(WAIT_SECONDS, TimeUnit.SECONDS)).as("within %d s: %s", WAIT_SECONDS, what).isTrue();
    }

    // ---- the store, as tests set it up and read it

    protected TaskStore.Task task(String id) {
        return h.tasks.find(id).orElseThrow();
    }

    protected Map<String, TaskStore.TaskNode> nodes(String id) {
        Map<String, TaskStore.TaskNode> m = new LinkedHashMap<>();
        for (TaskStore.TaskNode n : h.tasks.nodes(id)) m.put(n.nodeId(), n);
        return m;
    }

    protected List<String> stateEvents(String id) {
        return h.tasks.events(id).stream().filter(e -> e.kind().equals("state")).map(TaskStore.TaskEvent::state).toList();
    }

    /** A task as fan-out leaves it: RUNNING, every node handed out (RUNNING). */
    protected String runningTask(String digest, String... nodeIds) {
        return runningTaskOf("file:///nowhere/app.bin", digest, nodeIds);
    }

    /** A RUNNING task of {@code source} as fan-out leaves it (not held by this process: {@link LifecycleHarness#active} knows nothing of it). */
    protected String runningTaskOf(String source, String digest, String... nodeIds) {
        String id = UUID.randomUUID().toString();
        long now = System.currentTimeMillis();
        List<NodeRef> refs = java.util.Arrays.stream(nodeIds).map(n -> new NodeRef(n, LifecycleHarness.ROOM)).toList();
        h.tasks.insert(new TaskStore.Task(id, TaskState.PENDING, source, null, digest, h.target(), null, null, null, now,
                "alice", null, null, null, null, null, null), refs, "created by alice for " + refs.size() + " node(s)");
        h.tasks.transition(id, EnumSet.of(TaskState.PENDING), TaskState.SCHEDULED, "starts now");
        h.tasks.transition(id, EnumSet.of(TaskState.SCHEDULED), TaskState.RUNNING, "fan-out");
        for (String n : nodeIds) h.tasks.nodeStarted(id, n, "handed to the supernode of room default");
        return id;
    }

    protected static NodeState stateOf(Map<String, TaskStore.TaskNode> nodes, String id) {
        return nodes.get(id).state();
    }

    protected static JsonNode json(Exchange e) throws Exception {
        return io.darner.processors.Json.MAPPER.readTree(e.getMessage().getBody(String.class));
    }
}
