package io.darner.processors.lifecycle;

import io.darner.processors.Props;
import io.darner.processors.engine.Engine;
import io.darner.processors.store.NodeState;
import io.darner.processors.store.TaskState;
import io.darner.processors.store.TaskStore;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs on a timer: the database is the truth, so this finds what needs a step now — tasks that
 * are due, tasks RUNNING but not held by this process (after a restart), and nodes that left
 * their supernode mid-task for longer than the node timeout (they fail with that cause). The
 * body becomes the ids of the tasks for {@code fan-out}. A task this settles (its last node timed
 * out, or settling was interrupted) ends as in {@code verify}: its end goes to {@code audit}.
 */
public final class ReconcileProcessor implements Processor {
    private static final Logger log = LoggerFactory.getLogger(ReconcileProcessor.class);
    private final TaskStore tasks;
    private final Engine engine;
    private final ActiveTasks active;
    private final VerifyProcessor verify;
    private final Duration nodeTimeout;
    private volatile ProducerTemplate producer;

    public ReconcileProcessor(TaskStore tasks, Engine engine, ActiveTasks active, VerifyProcessor verify, Duration nodeTimeout) {
        this.tasks = tasks;
        this.engine = engine;
        this.active = active;
        this.verify = verify;
        this.nodeTimeout = nodeTimeout;
    }

    @Override
    public void process(Exchange exchange) {
        if (producer == null) producer = exchange.getContext().createProducerTemplate();
        long now = System.currentTimeMillis();
        tasks.renewLeases(active.owner(), now + ActiveTasks.LEASE_MILLIS);
        List<String> due = new ArrayList<>();
        Map<String, Set<String>> registered = new HashMap<>();
        List<TaskStore.Task> open = tasks.inStates(EnumSet.of(TaskState.SCHEDULED, TaskState.RUNNING, TaskState.VERIFYING));
        releaseEnded(open);
        for (TaskStore.Task t : open) {
            if (t.state() == TaskState.VERIFYING) { // interrupted between the two steps of settling
                settle(t.id());
                continue;
            }
            if (!active.isActive(t.id())) {
                if (t.startAt() == null || t.startAt() <= now || t.state() == TaskState.RUNNING) due.add(t.id());
                continue;
            }
            for (TaskStore.TaskNode n : tasks.nodes(t.id())) {
                if (n.state().finished()) continue;
                Set<String> here = registered.computeIfAbsent(n.room(), this::registered);
                if (here.contains(n.nodeId())) {
                    active.present(t.id(), n.nodeId());
                } else if (now - active.missingSince(t.id(), n.nodeId(), now) >= nodeTimeout.toMillis()) {
                    tasks.finishNode(t.id(), n.nodeId(), NodeState.FAILED, "node " + n.nodeId() + " left the supernode of room "
                            + n.room() + " and did not come back within " + nodeTimeout.toSeconds() + " s", false);
                }
            }
            settle(t.id());
        }
        exchange.getMessage().setBody(due);
    }

    /**
     * A task held here that ended elsewhere (stopped through another replica): its nodes are told
     * to stop, as the replica that stopped it could not reach this one's supernode handles.
     */
    private void releaseEnded(List<TaskStore.Task> open) {
        Set<String> stillOpen = new java.util.HashSet<>();
        for (TaskStore.Task t : open) stillOpen.add(t.id());
        for (String id : active.ids()) {
            if (stillOpen.contains(id)) continue;
            TaskStore.Task t = tasks.find(id).orElse(null);
            String reason = t == null ? "task deleted" : t.cause() == null ? "task " + t.state() : t.cause();
            synchronized (active) {
                active.engineIds(id).forEach((room, engineId) -> {
                    try {
                        engine.cancel(room, engineId, reason);
                    } catch (RuntimeException e) {
                        log.warn("task {}: could not tell room {} to stop: {}", id, room, e.getMessage());
                    }
                });
                active.finish(id);
            }
        }
    }

    /** Ends the task if every node has finished, and audits the end as {@code verify} does. */
    private void settle(String id) {
        TaskState end = verify.settle(id);
        if (end == null) return;
        Exchange audited = producer.send("direct:audit", e -> {
            e.setProperty(VerifyProcessor.FINISHED, end);
            e.setProperty(Props.AUDIT_ACTION, "task:finish");
            e.setProperty(Props.AUDIT_TARGET, "task/" + id);
        });
        if (audited.getException() != null) log.warn("task {} ended {} but its audit failed", id, end, audited.getException());
    }

    private Set<String> registered(String room) {
        try {
            return engine.registeredNodes(room);
        } catch (RuntimeException e) {
            return Set.of();
        }
    }
}
