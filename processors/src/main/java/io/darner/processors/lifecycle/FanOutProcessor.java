package io.darner.processors.lifecycle;

import io.darner.engine.api.RateLimits;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.rate.Rate;
import io.darner.processors.Props;
import io.darner.processors.engine.Engine;
import io.darner.processors.store.NodeState;
import io.darner.processors.store.RightsStore;
import io.darner.processors.store.TaskState;
import io.darner.processors.store.TaskStore;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Step {@code fan-out}: a due task's unfinished nodes are grouped by room and each room is
 * handed to its supernode. Nodes not yet registered are waited for (the reconciler calls again)
 * up to the join timeout, then fail with that cause. A RUNNING task this process does not hold
 * (the server restarted) is handed out again for the nodes that have not finished; verified
 * nodes are never asked again. The task carries its own rate and its tenant's bandwidth policy
 * as it stands at hand-out ({@link #limits}).
 */
public final class FanOutProcessor implements Processor {
    private static final Logger log = LoggerFactory.getLogger(FanOutProcessor.class);
    private final TaskStore tasks;
    private final Engine engine;
    private final ActiveTasks active;
    private final ProgressSink progress;
    private final Duration joinTimeout;
    private final RightsStore rights;
    private volatile ProducerTemplate producer;

    public FanOutProcessor(TaskStore tasks, RightsStore rights, Engine engine, ActiveTasks active, ProgressSink progress, Duration joinTimeout) {
        this.tasks = tasks;
        this.rights = rights;
        this.engine = engine;
        this.active = active;
        this.progress = progress;
        this.joinTimeout = joinTimeout;
    }

    @Override
    public void process(Exchange exchange) {
        String id = exchange.getMessage().getHeader(Props.TASK_ID, String.class);
        if (producer == null) producer = exchange.getContext().createProducerTemplate();
        synchronized (active) {
            fanOut(id);
        }
    }

    private void fanOut(String id) {
        TaskStore.Task t = tasks.find(id).orElse(null);
        if (t == null || active.isActive(id)) return;
        if (t.state() != TaskState.SCHEDULED && t.state() != TaskState.RUNNING) return;
        long now = System.currentTimeMillis();
        if (t.state() == TaskState.SCHEDULED && t.startAt() != null && t.startAt() > now) return;
        if (!tasks.claim(id, active.owner(), now, now + ActiveTasks.LEASE_MILLIS)) return; // another replica drives it

        Map<String, Map<String, Path>> byRoom = new TreeMap<>();
        List<TaskStore.TaskNode> open = tasks.nodes(id).stream().filter(n -> !n.state().finished()).toList();
        for (TaskStore.TaskNode n : open) {
            byRoom.computeIfAbsent(n.room(), r -> new LinkedHashMap<>()).put(n.nodeId(), Path.of(t.targetPath().replace("{node}", n.nodeId())));
        }
        // wait (bounded) until every target node has joined its room's supernode
        boolean waited = now - active.firstAttempt(id, now) >= joinTimeout.toMillis();
        Map<String, Set<String>> registered = new TreeMap<>();
        for (String room : byRoom.keySet()) registered.put(room, engine.registeredNodes(room));
        boolean allJoined = byRoom.entrySet().stream().allMatch(e -> registered.get(e.getKey()).containsAll(e.getValue().keySet()));
        if (!allJoined && !waited) return;
        for (Map.Entry<String, Map<String, Path>> e : byRoom.entrySet()) {
            e.getValue().keySet().removeIf(node -> {
                if (registered.get(e.getKey()).contains(node)) return false;
                tasks.finishNode(id, node, NodeState.FAILED, "node " + node + " did not join the supernode of room " + e.getKey()
                        + " within " + joinTimeout.toSeconds() + " s; is its agent running with --room " + e.getKey() + "?", false);
                return true;
            });
        }
        byRoom.values().removeIf(Map::isEmpty);

        boolean resumed = t.state() == TaskState.RUNNING;
        int count = byRoom.values().stream().mapToInt(Map::size).sum();
        String how = count + " node(s) in " + byRoom.size() + " room(s): " + byRoom.keySet();
        if (resumed) {
            tasks.event(id, "resume", null, "handed out again after a control-plane restart: " + how);
        } else if (!tasks.transition(id, EnumSet.of(TaskState.SCHEDULED), TaskState.RUNNING, "fan-out to " + how)) {
            return; // stopped meanwhile
        }
        RateLimits limits = limits(t.rateBytes(), t.tenant(), rights.tenant(t.tenant()).map(RightsStore.Tenant::bandwidth).orElse(RightsStore.Bandwidth.NONE));
        if (!limits.isNone()) tasks.event(id, "limits", null, describe(limits));
        TaskSpec spec = TaskSpec.of(t.sourceUrl(), t.digest(), null).withLimits(limits);
        Map<String, String> engineIds = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Path>> e : byRoom.entrySet()) {
            String room = e.getKey();
            try {
                Engine.Dispatch s = engine.submit(room, spec, e.getValue());
                engineIds.put(room, s.engineTaskId());
                // both queued synchronously, on the engine's thread, in the order the engine reports:
                // a node's last progress must reach 'track' before its outcome does
                s.onProgress(p -> progress.offer(id, p, producer));
                s.onOutcome(o -> producer.sendBody("seda:track",
                        new TrackEvent(id, o.nodeId(), true, o.success(), o.contentId(), o.message())));
                for (String node : e.getValue().keySet()) tasks.nodeStarted(id, node, "handed to the supernode of room " + room);
            } catch (RuntimeException ex) {
                log.warn("task {}: room {} could not be handed out: {}", id, room, ex.toString());
                for (String node : e.getValue().keySet()) tasks.finishNode(id, node, NodeState.FAILED, ex.getMessage(), false);
            }
        }
        active.activate(id, engineIds);
        if (engineIds.isEmpty() || count == 0) {
            producer.asyncSendBody("seda:track", new TrackEvent(id, null, true, false, null, "no node could be reached"));
        }
        log.info("task {}: {} {}", id, resumed ? "resumed" : "fanned out to", how);
    }

    /**
     * What a task carries: its own rate, lowered to its tenant's per-task cap; the tenant's per-node
     * cap and origin egress cap, shared by the tenant's tasks (group {@code tenant:NAME}).
     */
    static RateLimits limits(Long taskRate, String tenant, RightsStore.Bandwidth policy) {
        long task = taskRate == null ? 0 : taskRate;
        if (policy.task() != null && (task == 0 || policy.task() < task)) task = policy.task();
        long node = policy.nodeDownload() == null ? 0 : policy.nodeDownload();
        long origin = policy.originEgress() == null ? 0 : policy.originEgress();
        return new RateLimits(task, node > 0 || origin > 0 ? "tenant:" + tenant : "", node, origin);
    }

    private static String describe(RateLimits l) {
        StringBuilder b = new StringBuilder("bandwidth:");
        if (l.taskBytesPerSecond() > 0) b.append(" task ").append(Rate.ofBytesPerSecond(l.taskBytesPerSecond())).append(" per node;");
        if (l.groupBytesPerSecond() > 0) b.append(" tenant ").append(Rate.ofBytesPerSecond(l.groupBytesPerSecond())).append(" per node, shared by its tasks;");
        if (l.originBytesPerSecond() > 0) b.append(" tenant origin egress ").append(Rate.ofBytesPerSecond(l.originBytesPerSecond())).append(" on the seed;");
        return b.substring(0, b.length() - 1);
    }
}
