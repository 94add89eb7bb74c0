package io.darner.processors.api;

import io.darner.processors.ApiException;
import io.darner.processors.Props;
import io.darner.processors.engine.Engine;
import io.darner.processors.lifecycle.ActiveTasks;
import io.darner.processors.lifecycle.TaskDraft;
import io.darner.processors.store.ClusterStore.NodeRef;
import io.darner.processors.store.Principal;
import io.darner.processors.store.TaskState;
import io.darner.processors.store.TaskStore;
import org.apache.camel.Exchange;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Task operations of the REST API other than create: list, get, stop, delete, copy, events. */
public final class TaskApi {
    private final TaskStore tasks;
    private final Engine engine;
    private final ActiveTasks active;

    public TaskApi(TaskStore tasks, Engine engine, ActiveTasks active) {
        this.tasks = tasks;
        this.engine = engine;
        this.active = active;
    }

    public void list(Exchange exchange) {
        TaskState state = null;
        String s = Params.optional(exchange, "state");
        if (s != null) {
            try {
                state = TaskState.valueOf(s.toUpperCase());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("state", "state '" + s + "' is not a task state", "use one of " + List.of(TaskState.values()));
            }
        }
        int page = Params.intParam(exchange, "page", 0, 0, 1_000_000);
        int size = Params.intParam(exchange, "size", 20, 1, 200);
        Principal principal = exchange.getProperty(Props.PRINCIPAL, Principal.class);
        // a role limited to named clusters lists the tasks on those only (as it may read no other)
        TaskStore.Page p = tasks.list(principal.superAdmin() ? null : principal.tenant(), principal.superAdmin() ? null : principal.clustersFor("task:read"),
                state, Params.text(exchange, "cluster", 64),
                Params.text(exchange, "creator", 64), page, size);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", p.items().stream().map(Views::taskBrief).toList());
        body.put("page", page);
        body.put("size", size);
        body.put("total", p.total());
        Views.reply(exchange, 200, body);
    }

    public void get(Exchange exchange) {
        TaskStore.Task t = find(exchange);
        Views.reply(exchange, 200, Views.task(t, tasks.nodes(t.id())));
    }

    /** The answer to create and copy: 201 with the task that {@code schedule} just wrote. */
    public void created(Exchange exchange) {
        String id = exchange.getMessage().getHeader(Props.TASK_ID, String.class);
        Views.reply(exchange, 201, Views.task(tasks.find(id).orElseThrow(), tasks.nodes(id)));
    }

    public void events(Exchange exchange) {
        TaskStore.Task t = find(exchange);
        Views.reply(exchange, 200, Map.of("taskId", t.id(), "events", tasks.events(t.id()).stream().map(Views::event).toList()));
    }

    public void stop(Exchange exchange) {
        TaskStore.Task t = find(exchange);
        Principal p = exchange.getProperty(Props.PRINCIPAL, Principal.class);
        exchange.setProperty(Props.AUDIT_TARGET, "task/" + t.id());
        String cause = "stopped by " + p.username();
        synchronized (active) {
            if (!tasks.transition(t.id(), TaskState.ACTIVE, TaskState.STOPPED, cause)) {
                TaskState now = tasks.find(t.id()).map(TaskStore.Task::state).orElse(t.state());
                throw ApiException.conflict("id", "task " + t.id() + " is " + now + "; only a pending, scheduled or running task can be stopped",
                        "nothing to do; use POST /api/v1/tasks/" + t.id() + "/copy to run it again");
            }
            tasks.stopUnfinishedNodes(t.id(), cause);
            active.engineIds(t.id()).forEach((room, engineId) -> engine.cancel(room, engineId, cause));
            active.finish(t.id());
        }
        Views.reply(exchange, 200, Views.task(tasks.find(t.id()).orElseThrow(), tasks.nodes(t.id())));
    }

    public void delete(Exchange exchange) {
        TaskStore.Task t = find(exchange);
        exchange.setProperty(Props.AUDIT_TARGET, "task/" + t.id());
        if (!tasks.delete(t.id())) {
            throw ApiException.conflict("id", "task " + t.id() + " is " + tasks.find(t.id()).map(TaskStore.Task::state).orElse(t.state())
                    + "; only a finished or stopped task can be deleted", "stop it first with POST /api/v1/tasks/" + t.id() + "/stop");
        }
        io.darner.processors.Json.noContent(exchange);
    }

    /** Prepares "run again": the old task's inputs become the draft that resolve-cluster and schedule take. */
    public void copy(Exchange exchange) {
        TaskStore.Task t = find(exchange);
        List<NodeRef> nodes = t.clusterName() != null ? List.of()
                : tasks.nodes(t.id()).stream().map(n -> new NodeRef(n.nodeId(), n.room())).toList();
        exchange.setProperty(Props.TENANT, t.tenant()); // the copy belongs where the original does (the super administrator may copy any)
        exchange.setProperty(Props.DRAFT, new TaskDraft(t.fileRef() == null ? t.sourceUrl() : null, t.fileRef(),
                t.digest(), t.targetPath(), t.clusterName(), nodes, t.rateBytes(), null, t.id()));
    }

    private TaskStore.Task find(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        return tasks.find(id == null ? "" : id)
                .orElseThrow(() -> ApiException.notFound("id", "task " + id + " does not exist", "see GET /api/v1/tasks for the task ids"));
    }
}
