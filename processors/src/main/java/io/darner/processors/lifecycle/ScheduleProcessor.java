package io.darner.processors.lifecycle;

import io.darner.processors.Props;
import io.darner.processors.store.Principal;
import io.darner.processors.store.TaskState;
import io.darner.processors.store.TaskStore;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Step {@code schedule}: the resolved draft is written as a task (PENDING, with its nodes and
 * first event, in one transaction) and moved to SCHEDULED with its start time. Its id goes on in
 * the {@code DarnerTaskId} header; fan-out picks the task up when it is due.
 */
public final class ScheduleProcessor implements Processor {
    private final TaskStore tasks;

    public ScheduleProcessor(TaskStore tasks) {
        this.tasks = tasks;
    }

    @Override
    public void process(Exchange exchange) {
        TaskDraft d = exchange.getProperty(Props.DRAFT, TaskDraft.class);
        Principal p = exchange.getProperty(Props.PRINCIPAL, Principal.class);
        String id = UUID.randomUUID().toString();
        long now = System.currentTimeMillis();
        TaskStore.Task t = new TaskStore.Task(id, TaskState.PENDING, d.sourceUrl(), d.fileRef(), d.digest(), d.target(), d.cluster(),
                d.rateBytes(), d.startAt(), now, p.username(), null, null, null, null, d.copiedFrom(), null,
                exchange.getProperty(Props.TENANT, p.tenant(), String.class));
        tasks.insert(t, d.nodes(), (d.copiedFrom() == null ? "created by " : "copied from " + d.copiedFrom() + " by ") + p.username()
                + " for " + d.nodes().size() + " node(s)");
        boolean later = d.startAt() != null && d.startAt() > now;
        tasks.transition(id, List.of(TaskState.PENDING), TaskState.SCHEDULED, later ? "starts at " + Instant.ofEpochMilli(d.startAt()) : "starts now");
        exchange.getMessage().setHeader(Props.TASK_ID, id);
        exchange.setProperty(Props.AUDIT_TARGET, "task/" + id);
    }
}
