package io.darner.processors.lifecycle;

import io.darner.engine.api.TaskProgress;
import io.darner.processors.store.TaskStore;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Step {@code track}: what the engine reports for a node is written down; progress goes to the
 * node's row, an outcome goes on to {@code verify} (the route sends it there).
 */
public final class TrackProcessor implements Processor {
    /** Exchange property set when the event is an outcome for {@code verify}. */
    public static final String OUTCOME = "DarnerOutcome";
    private final TaskStore tasks;
    private final ProgressSink progress;

    public TrackProcessor(TaskStore tasks, ProgressSink progress) {
        this.tasks = tasks;
        this.progress = progress;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        TrackEvent e = exchange.getMessage().getMandatoryBody(TrackEvent.class);
        if (e.outcome()) {
            exchange.setProperty(OUTCOME, e);
            return;
        }
        TaskProgress p = progress.take(e.taskId(), e.nodeId());
        if (p == null) return;
        if (p.size() >= 0) tasks.describeContent(e.taskId(), p.size(), null);
        tasks.nodeProgress(e.taskId(), e.nodeId(), p.verifiedBytes(), p.size());
    }
}
