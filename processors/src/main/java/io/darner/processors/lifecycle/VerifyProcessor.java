package io.darner.processors.lifecycle;

import io.darner.processors.Props;
import io.darner.processors.store.NodeState;
import io.darner.processors.store.TaskState;
import io.darner.processors.store.TaskStore;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.util.EnumSet;
import java.util.List;

/**
 * Step {@code verify}: a node counts as done only when its agent reported the file verified at
 * its target path, with the content id the task expects. When every node has an outcome the
 * task goes RUNNING → VERIFYING → SUCCEEDED (all verified), PARTIAL (some) or FAILED (none).
 */
public final class VerifyProcessor implements Processor {
    /** Exchange property set when this step finished the task (for {@code audit}). */
    public static final String FINISHED = "DarnerFinished";
    private final TaskStore tasks;
    private final ActiveTasks active;

    public VerifyProcessor(TaskStore tasks, ActiveTasks active) {
        this.tasks = tasks;
        this.active = active;
    }

    @Override
    public void process(Exchange exchange) {
        TrackEvent e = exchange.getProperty(TrackProcessor.OUTCOME, TrackEvent.class);
        if (e == null) return;
        TaskStore.Task t = tasks.find(e.taskId()).orElse(null);
        if (t == null) return;
        if (e.nodeId() != null) record(t, e);
        TaskState end = settle(t.id());
        if (end != null) {
            exchange.setProperty(FINISHED, end);
            exchange.setProperty(Props.AUDIT_ACTION, "task:finish");
            exchange.setProperty(Props.AUDIT_TARGET, "task/" + t.id());
            exchange.setProperty(Props.TENANT, t.tenant());
        }
    }

    private void record(TaskStore.Task t, TrackEvent e) {
        String content = e.contentId() == null || e.contentId().startsWith("sha256:") ? e.contentId() : "sha256:" + e.contentId();
        String target = t.targetPath().replace("{node}", e.nodeId());
        if (!e.success()) {
            tasks.finishNode(t.id(), e.nodeId(), NodeState.FAILED, e.message() == null ? "the node reported a failure" : e.message(), false);
        } else if (content == null) {
            tasks.finishNode(t.id(), e.nodeId(), NodeState.FAILED, "the node reported success without a verified content id", false);
        } else if (t.digest() != null && !t.digest().equals(content)) {
            tasks.finishNode(t.id(), e.nodeId(), NodeState.FAILED, "the node holds " + content + ", not the expected " + t.digest(), false);
        } else {
            tasks.describeContent(t.id(), null, content);
            tasks.finishNode(t.id(), e.nodeId(), NodeState.VERIFIED, "verified " + content + " at " + target, false);
        }
    }

    /** Ends the task if every node has finished; returns the end state, or null if it goes on. */
    public TaskState settle(String id) {
        List<TaskStore.TaskNode> nodes = tasks.nodes(id);
        if (nodes.stream().anyMatch(n -> !n.state().finished())) return null;
        long verified = nodes.stream().filter(n -> n.state() == NodeState.VERIFIED).count();
        tasks.transition(id, EnumSet.of(TaskState.RUNNING), TaskState.VERIFYING, "all " + nodes.size() + " node(s) reported");
        TaskState end = verified == nodes.size() ? TaskState.SUCCEEDED : verified > 0 ? TaskState.PARTIAL : TaskState.FAILED;
        String cause = verified + "/" + nodes.size() + " node(s) verified";
        if (end != TaskState.SUCCEEDED) {
            cause += nodes.stream().filter(n -> n.state() != NodeState.VERIFIED).findFirst()
                    .map(n -> "; first failure: " + n.nodeId() + ": " + n.message()).orElse("");
        }
        if (!tasks.transition(id, EnumSet.of(TaskState.VERIFYING), end, cause)) return null; // stopped, or settled elsewhere
        active.finish(id);
        return end;
    }
}
