package io.darner.routes;

import com.sun.net.httpserver.HttpServer;
import io.darner.processors.lifecycle.TrackEvent;
import io.darner.processors.lifecycle.TrackProcessor;
import io.darner.processors.lifecycle.VerifyProcessor;
import io.darner.processors.store.AuditStore;
import io.darner.processors.store.NodeState;
import io.darner.processors.store.TaskState;
import io.darner.processors.store.TaskStore;
import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Route {@code verify}: a node is VERIFIED only when it reported the file verified with the content
 * id the task expects; when every node has an outcome the task ends SUCCEEDED, PARTIAL or FAILED,
 * and the end is audited.
 */
class VerifyRouteTest extends LifecycleTestSupport {
    private static final String EXPECTED = "sha256:" + "ab".repeat(32);
    private static final String OTHER = "sha256:" + "cd".repeat(32);
    private MockEndpoint audited;

    @BeforeEach
    void adviseAndStart() throws Exception {
        advise("verify", a -> a.weaveByToUri("direct:audit").after().to("mock:audited"));
        start();
        audited = getMockEndpoint("mock:audited");
    }

    private Exchange outcome(String taskId, String node, boolean success, String contentId, String message) {
        return template.send("direct:verify", e -> e.setProperty(TrackProcessor.OUTCOME, new TrackEvent(taskId, node, true, success, contentId, message)));
    }

    @Test
    void theExpectedContentIdVerifiesTheNodeAndTheTaskGoesOn() {
        String id = runningTask(EXPECTED, "n1", "n2");
        Exchange e = outcome(id, "n1", true, "ab".repeat(32), "exported"); // the engine's hex form counts as sha256:
        assertThat(e.getException()).isNull();
        Map<String, TaskStore.TaskNode> nodes = nodes(id);
        assertThat(stateOf(nodes, "n1")).isEqualTo(NodeState.VERIFIED);
        assertThat(nodes.get("n1").message()).isEqualTo("verified " + EXPECTED + " at " + h.target().replace("{node}", "n1"));
        assertThat(stateOf(nodes, "n2")).isEqualTo(NodeState.RUNNING);
        assertThat(task(id).state()).isEqualTo(TaskState.RUNNING);
        assertThat(task(id).contentId()).isEqualTo(EXPECTED);
        assertThat(e.getProperty(VerifyProcessor.FINISHED)).isNull();
        assertThat(h.audit.latest(10)).isEmpty();
    }

    @Test
    void aWrongContentIdFailsTheNodeNamingBoth() {
        String id = runningTask(EXPECTED, "n1", "n2");
        outcome(id, "n1", true, OTHER, "exported");
        TaskStore.TaskNode n1 = nodes(id).get("n1");
        assertThat(n1.state()).isEqualTo(NodeState.FAILED);
        assertThat(n1.message()).isEqualTo("the node holds " + OTHER + ", not the expected " + EXPECTED);
    }

    @Test
    void successWithoutContentIdIsNoProof() {
        String id = runningTask(EXPECTED, "n1", "n2");
        outcome(id, "n1", true, null, "exported");
        assertThat(nodes(id).get("n1").state()).isEqualTo(NodeState.FAILED);
        assertThat(nodes(id).get("n1").message()).isEqualTo("the node reported success without a verified content id");
    }

    @Test
    void withoutExpectedDigestAnyVerifiedContentCountsAndBecomesTheTasks() {
        String id = runningTask(null, "n1");
        outcome(id, "n1", true, OTHER, "exported");
        assertThat(stateOf(nodes(id), "n1")).isEqualTo(NodeState.VERIFIED);
        assertThat(task(id).contentId()).isEqualTo(OTHER);
    }

    @Test
    void allVerifiedIsSucceededAndAudited() throws Exception {
        audited.expectedMessageCount(1);
        String id = runningTask(EXPECTED, "n1", "n2");
        outcome(id, "n1", true, EXPECTED, "exported");
        Exchange last = outcome(id, "n2", true, EXPECTED, "exported");
        audited.assertIsSatisfied();
        assertThat(last.getProperty(VerifyProcessor.FINISHED)).isEqualTo(TaskState.SUCCEEDED);
        TaskStore.Task t = task(id);
        assertThat(t.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(t.cause()).isEqualTo("2/2 node(s) verified");
        assertThat(t.finishedAt()).isNotNull();
        assertThat(stateEvents(id)).containsExactly("PENDING", "SCHEDULED", "RUNNING", "VERIFYING", "SUCCEEDED");
        assertThat(h.tasks.events(id)).filteredOn(ev -> "VERIFYING".equals(ev.state())).extracting(TaskStore.TaskEvent::cause)
                .containsExactly("all 2 node(s) reported");
        assertThat(h.audit.latest(10)).singleElement().satisfies(a -> {
            assertThat(a.actor()).isEqualTo("system");
            assertThat(a.action()).isEqualTo("task:finish");
            assertThat(a.target()).isEqualTo("task/" + id);
            assertThat(a.detail()).isEqualTo("state SUCCEEDED");
        });
    }

    @Test
    void someVerifiedIsPartialNamingTheFirstFailure() {
        String id = runningTask(EXPECTED, "n1", "n2");
        outcome(id, "n1", false, null, "disk full");
        outcome(id, "n2", true, EXPECTED, "exported");
        assertThat(task(id).state()).isEqualTo(TaskState.PARTIAL);
        assertThat(task(id).cause()).isEqualTo("1/2 node(s) verified; first failure: n1: disk full");
        assertThat(h.audit.latest(10)).extracting(AuditStore.Entry::detail).containsExactly("state PARTIAL");
    }

    @Test
    void noneVerifiedIsFailed() {
        String id = runningTask(EXPECTED, "n1", "n2");
        outcome(id, "n1", false, null, null);
        outcome(id, "n2", true, OTHER, "exported");
        assertThat(task(id).state()).isEqualTo(TaskState.FAILED);
        assertThat(task(id).cause()).isEqualTo("0/2 node(s) verified; first failure: n1: the node reported a failure");
    }

    @Test
    void aLateReportCannotChangeAFinishedNodeOrTask() {
        String id = runningTask(EXPECTED, "n1");
        outcome(id, "n1", true, EXPECTED, "exported");
        outcome(id, "n1", false, null, "late failure");
        outcome(id, "n1", true, OTHER, "late lie");
        assertThat(stateOf(nodes(id), "n1")).isEqualTo(NodeState.VERIFIED);
        assertThat(task(id).state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(h.audit.latest(10)).hasSize(1);
    }

    @Test
    void aStoppedTaskIsNotSettledByALateReport() throws Exception {
        String id = runningTask(EXPECTED, "n1");
        assertThat(call("POST", "/api/v1/tasks/" + id + "/stop", null).status()).isEqualTo(200);
        outcome(id, "n1", true, EXPECTED, "exported");
        assertThat(task(id).state()).isEqualTo(TaskState.STOPPED);
        assertThat(stateOf(nodes(id), "n1")).isEqualTo(NodeState.STOPPED);
    }

    @Test
    void aSourceThatIs404FailsTheTaskWithThatCause() throws Exception {
        h.peer("n1");
        HttpServer origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        origin.createContext("/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        origin.start();
        try {
            NotifyBuilder finished = whenTasksFinished(1);
            String url = "http://127.0.0.1:" + origin.getAddress().getPort() + "/missing.tar";
            String id = createTask(taskJson(url, null, "n1"));
            await(finished, "the task finished");
            assertThat(task(id).state()).isEqualTo(TaskState.FAILED);
            assertThat(nodes(id).get("n1").message()).contains("404");
            assertThat(h.tasks.events(id)).anySatisfy(ev -> {
                assertThat(ev.state()).isEqualTo("FAILED");
                assertThat(ev.cause()).contains("404");
            });
        } finally {
            origin.stop(0);
        }
    }

    @Test
    void theRealEngineVerifiesEveryNodeAgainstTheExpectedDigest() throws Exception {
        h.peer("n1");
        h.peer("n2");
        Path src = h.sourceFile("app.bin", 200_000);
        NotifyBuilder finished = whenTasksFinished(1);
        String id = createTask(taskJson(LifecycleHarness.url(src), LifecycleHarness.digest(src), "n1", "n2"));
        await(finished, "the task finished");
        assertThat(task(id).state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(nodes(id).values()).allSatisfy(n -> {
            assertThat(n.state()).isEqualTo(NodeState.VERIFIED);
            assertThat(n.message()).startsWith("verified " + LifecycleHarness.digest(src));
            assertThat(Files.mismatch(h.targetOf(n.nodeId()), src)).isEqualTo(-1L);
        });
    }

    @Test
    void theRealEngineRefusesASourceWhoseBytesAreNotTheExpectedOnes() throws Exception {
        h.peer("n1");
        Path src = h.sourceFile("app.bin", 50_000);
        NotifyBuilder finished = whenTasksFinished(1);
        String id = createTask(taskJson(LifecycleHarness.url(src), OTHER, "n1"));
        await(finished, "the task finished");
        assertThat(task(id).state()).isEqualTo(TaskState.FAILED);
        assertThat(stateOf(nodes(id), "n1")).isEqualTo(NodeState.FAILED);
        assertThat(Files.exists(h.targetOf("n1"))).as("no wrong file at the target").isFalse();
    }
}
