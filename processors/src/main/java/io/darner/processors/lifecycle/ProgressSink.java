package io.darner.processors.lifecycle;

import io.darner.engine.api.TaskProgress;
import org.apache.camel.ProducerTemplate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Conflates progress reports: the engine may report every few pieces, the store needs only the
 * latest per node. A report is queued for {@code track} only when none is waiting for that node.
 */
public final class ProgressSink {
    private final Map<String, TaskProgress> latest = new ConcurrentHashMap<>();

    void offer(String taskId, TaskProgress p, ProducerTemplate producer) {
        if (latest.put(taskId + "\n" + p.nodeId(), p) == null) {
            producer.sendBody("seda:track", TrackEvent.progress(taskId, p.nodeId())); // in order with the outcome (a queue offer)
        }
    }

    /** The latest report for the node, taken out (null if none waits). */
    TaskProgress take(String taskId, String nodeId) {
        return latest.remove(taskId + "\n" + nodeId);
    }
}
