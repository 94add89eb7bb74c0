package io.darner.routes;

import io.darner.processors.Props;
import io.darner.processors.api.AuthApi;
import io.darner.processors.api.ClusterApi;
import io.darner.processors.api.FileVersionApi;
import io.darner.processors.api.SystemApi;
import io.darner.processors.api.TaskApi;
import io.darner.processors.lifecycle.AuthenticateProcessor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.rest.RestParamType;

/**
 * The REST API {@code /api/v1}. Every operation is an entry route {@code api-*} that runs the
 * lifecycle's {@code authenticate} and {@code authorize} steps with the operation's permission,
 * then its own work; creating a task continues through {@code validate → resolve-cluster →
 * schedule}, and every change ends in {@code audit}. Errors are answered by {@link ErrorRoutes}.
 */
public final class ApiRoutes extends RouteBuilder {
    private final TaskApi tasks;
    private final ClusterApi clusters;
    private final FileVersionApi files;
    private final AuthApi auth;
    private final SystemApi system;

    public ApiRoutes(TaskApi tasks, ClusterApi clusters, FileVersionApi files, AuthApi auth, SystemApi system) {
        this.tasks = tasks;
        this.clusters = clusters;
        this.files = files;
        this.auth = auth;
        this.system = system;
    }

    @Override
    public void configure() {
        rest("/api/v1").description("Darner control plane")
                .get("/health").description("Liveness (anonymous)").to("direct:api-health")
                .post("/auth/login").description("Password login: a bearer token for 12 hours").to("direct:api-login")
                .post("/auth/tokens").description("A named API token that does not expire").to("direct:api-token-create")
                .get("/auth/me").description("Who the token belongs to").to("direct:api-me")

                .post("/tasks").description("Create a task: distribute a source URL or name@version to a cluster or node list").to("direct:api-task-create")
                .get("/tasks").description("List tasks, newest first, filtered and paged")
                    .param().name("state").type(RestParamType.query).required(false).description("PENDING, SCHEDULED, RUNNING, VERIFYING, SUCCEEDED, PARTIAL, FAILED or STOPPED").endParam()
                    .param().name("cluster").type(RestParamType.query).required(false).description("cluster name").endParam()
                    .param().name("creator").type(RestParamType.query).required(false).description("user who created the task").endParam()
                    .param().name("page").type(RestParamType.query).required(false).description("page number from 0").endParam()
                    .param().name("size").type(RestParamType.query).required(false).description("tasks per page, 1-200 (default 20)").endParam()
                    .to("direct:api-task-list")
                .get("/tasks/{id}").description("A task with per-node state, progress, bytes, timing and success rate").to("direct:api-task-get")
                .post("/tasks/{id}/stop").description("Stop a pending, scheduled or running task; its agents cancel").to("direct:api-task-stop")
                .delete("/tasks/{id}").description("Delete a finished or stopped task").to("direct:api-task-delete")
                .post("/tasks/{id}/copy").description("Run again with the same inputs").to("direct:api-task-copy")
                .get("/tasks/{id}/events").description("The task log: every state change with its time and cause").to("direct:api-task-events")

                .post("/files").description("Register a file version: name, version, source URL, digest, size").to("direct:api-file-create")
                .get("/files").description("List file versions")
                    .param().name("name").type(RestParamType.query).required(false).description("only versions of this file").endParam()
                    .to("direct:api-file-list")
                .get("/files/{name}/{version}").description("One file version").to("direct:api-file-get")
                .delete("/files/{name}/{version}").description("Delete a file version").to("direct:api-file-delete")

                .post("/clusters").description("Create a host cluster: a named list of nodes with rooms").to("direct:api-cluster-create")
                .get("/clusters").description("List clusters").to("direct:api-cluster-list")
                .get("/clusters/{name}").description("One cluster").to("direct:api-cluster-get")
                .delete("/clusters/{name}").description("Delete a cluster").to("direct:api-cluster-delete")

                .get("/nodes").description("Nodes registered with the supernodes now").to("direct:api-node-list")
                .get("/audit").description("The audit log, newest first")
                    .param().name("limit").type(RestParamType.query).required(false).description("entries, 1-1000 (default 100)").endParam()
                    .to("direct:api-audit-list");

        api("api-health", AuthenticateProcessor.PUBLIC).process(system::health);
        api("api-login", AuthenticateProcessor.PUBLIC).process(auth::login).setProperty(Props.AUDIT_ACTION, constant("auth:login")).to("direct:audit");
        api("api-token-create", "token:create").process(auth::issue).to("direct:audit");
        api("api-me", "self:read").process(auth::me);

        api("api-task-create", "task:create").to("direct:validate").to("direct:resolve-cluster").to("direct:schedule")
                .process(tasks::created).to("direct:audit");
        api("api-task-list", "task:read").process(tasks::list);
        api("api-task-get", "task:read").process(tasks::get);
        api("api-task-stop", "task:stop").process(tasks::stop).to("direct:audit");
        api("api-task-delete", "task:delete").process(tasks::delete).to("direct:audit");
        api("api-task-copy", "task:create").process(tasks::copy).to("direct:resolve-cluster").to("direct:schedule")
                .process(tasks::created).setProperty(Props.AUDIT_ACTION, constant("task:copy")).to("direct:audit");
        api("api-task-events", "task:read").process(tasks::events);

        api("api-file-create", "file:create").process(files::create).to("direct:audit");
        api("api-file-list", "file:read").process(files::list);
        api("api-file-get", "file:read").process(files::get);
        api("api-file-delete", "file:delete").process(files::delete).to("direct:audit");

        api("api-cluster-create", "cluster:create").process(clusters::create).to("direct:audit");
        api("api-cluster-list", "cluster:read").process(clusters::list);
        api("api-cluster-get", "cluster:read").process(clusters::get);
        api("api-cluster-delete", "cluster:delete").process(clusters::delete).to("direct:audit");

        api("api-node-list", "node:read").process(system::nodes);
        api("api-audit-list", "audit:read").process(system::audit);
    }

    /** An entry route: authenticate and authorize with {@code permission}, errors answered by {@link ErrorRoutes}. */
    private RouteDefinition api(String id, String permission) {
        return from("direct:" + id).routeId(id).routeConfigurationId(ErrorRoutes.ID)
                .setProperty(Props.PERMISSION, constant(permission))
                .setProperty(Props.AUDIT_ACTION, constant(permission))
                .to("direct:authenticate")
                .to("direct:authorize");
    }
}
