package io.darner.routes;

import io.darner.processors.Props;
import io.darner.processors.api.AuthApi;
import io.darner.processors.api.ClusterApi;
import io.darner.processors.api.FileVersionApi;
import io.darner.processors.api.RightsApi;
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
    private final RightsApi rights;

    public ApiRoutes(TaskApi tasks, ClusterApi clusters, FileVersionApi files, AuthApi auth, SystemApi system, RightsApi rights) {
        this.rights = rights;
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
                .post("/auth/tokens").description("An API token: optional scopes (permissions) and expiry; the secret is shown only in this answer").to("direct:api-token-create")
                .get("/auth/tokens").description("The caller's tokens (never their secrets)").to("direct:api-token-list")
                .delete("/auth/tokens/{id}").description("Revoke a token").to("direct:api-token-revoke")
                .get("/auth/me").description("Who the token belongs to: user, tenant, roles, scopes").to("direct:api-me")

                .post("/users").description("Create a user of a tenant with roles").to("direct:api-user-create")
                .get("/users").description("Users of the caller's tenant").to("direct:api-user-list")
                .get("/users/{name}").description("One user").to("direct:api-user-get")
                .put("/users/{name}").description("Change a user's password, roles or disabled flag").to("direct:api-user-update")
                .delete("/users/{name}").description("Delete a user and its tokens").to("direct:api-user-delete")
                .post("/roles").description("Create a custom role: permissions (resource:action), optionally limited to clusters").to("direct:api-role-create")
                .get("/roles").description("Built-in and custom roles").to("direct:api-role-list")
                .get("/roles/{name}").description("One role").to("direct:api-role-get")
                .delete("/roles/{name}").description("Delete a custom role and its grants").to("direct:api-role-delete")
                .post("/tenants").description("Create a tenant (super administrator)").to("direct:api-tenant-create")
                .get("/tenants").description("Tenants").to("direct:api-tenant-list")
                .get("/tenants/{name}").description("One tenant").to("direct:api-tenant-get")
                .put("/tenants/{name}/bandwidth").description("Set a tenant's bandwidth policy: nodeDownload (shared by its tasks on each node), task (each task on each node), originEgress (shared by its tasks on a supernode's seed); each like \"20MB/s\", absent: no cap").to("direct:api-tenant-bandwidth")
                .delete("/tenants/{name}").description("Delete an empty tenant").to("direct:api-tenant-delete")

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
                .get("/files/{name}/{version}").description("One file version (names are per tenant: the super administrator adds ?tenant=NAME when several tenants have it)").to("direct:api-file-get")
                .delete("/files/{name}/{version}").description("Delete a file version").to("direct:api-file-delete")

                .post("/clusters").description("Create a host cluster: a named list of nodes with rooms").to("direct:api-cluster-create")
                .get("/clusters").description("List clusters").to("direct:api-cluster-list")
                .get("/clusters/{name}").description("One cluster (names are per tenant: the super administrator adds ?tenant=NAME when several tenants have it)").to("direct:api-cluster-get")
                .delete("/clusters/{name}").description("Delete a cluster").to("direct:api-cluster-delete")

                .get("/nodes").description("Nodes registered with the supernodes now").to("direct:api-node-list")
                .get("/audit").description("The audit log, newest first, filtered and paged")
                    .param().name("actor").type(RestParamType.query).required(false).description("user name").endParam()
                    .param().name("action").type(RestParamType.query).required(false).description("e.g. task:create, auth:login").endParam()
                    .param().name("target").type(RestParamType.query).required(false).description("e.g. task/ID, cluster/NAME").endParam()
                    .param().name("from").type(RestParamType.query).required(false).description("ISO-8601 instant, inclusive").endParam()
                    .param().name("to").type(RestParamType.query).required(false).description("ISO-8601 instant, exclusive").endParam()
                    .param().name("page").type(RestParamType.query).required(false).description("page number from 0").endParam()
                    .param().name("size").type(RestParamType.query).required(false).description("entries per page, 1-1000 (default 100)").endParam()
                    .param().name("limit").type(RestParamType.query).required(false).description("as size (kept for older clients)").endParam()
                    .to("direct:api-audit-list")
                .get("/audit/verify").description("Check the audit hash chain: the first broken link if a row was altered or removed").to("direct:api-audit-verify");

        api("api-health", AuthenticateProcessor.PUBLIC).process(system::health);
        api("api-login", AuthenticateProcessor.PUBLIC).setProperty(Props.AUDIT_ACTION, constant("auth:login")).process(auth::login).to("direct:audit");
        api("api-token-create", "token:create").process(auth::issue).to("direct:audit");
        api("api-token-list", "token:read").process(auth::listTokens);
        api("api-token-revoke", "token:delete", "token").process(auth::revoke).to("direct:audit");
        api("api-me", "self:read").process(auth::me);

        api("api-user-create", "user:create").process(rights::createUser).to("direct:audit");
        api("api-user-list", "user:read").process(rights::listUsers);
        api("api-user-get", "user:read", "user").process(rights::getUser);
        api("api-user-update", "user:update", "user").process(rights::updateUser).to("direct:audit");
        api("api-user-delete", "user:delete", "user").process(rights::deleteUser).to("direct:audit");
        api("api-role-create", "role:create").process(rights::createRole).to("direct:audit");
        api("api-role-list", "role:read").process(rights::listRoles);
        api("api-role-get", "role:read", "role").process(rights::getRole);
        api("api-role-delete", "role:delete", "role").process(rights::deleteRole).to("direct:audit");
        api("api-tenant-create", "tenant:create").process(rights::createTenant).to("direct:audit");
        api("api-tenant-list", "tenant:read").process(rights::listTenants);
        api("api-tenant-get", "tenant:read", "tenant").process(rights::getTenant);
        api("api-tenant-bandwidth", "tenant:update", "tenant").process(rights::setBandwidth).to("direct:audit");
        api("api-tenant-delete", "tenant:delete", "tenant").process(rights::deleteTenant).to("direct:audit");

        api("api-task-create", "task:create").to("direct:validate").to("direct:resolve-cluster").to("direct:schedule")
                .process(tasks::created).to("direct:audit");
        api("api-task-list", "task:read").process(tasks::list);
        api("api-task-get", "task:read", "task").process(tasks::get);
        api("api-task-stop", "task:stop", "task").process(tasks::stop).to("direct:audit");
        api("api-task-delete", "task:delete", "task").process(tasks::delete).to("direct:audit");
        api("api-task-copy", "task:create", "task").setProperty(Props.AUDIT_ACTION, constant("task:copy"))
                .process(tasks::copy).to("direct:resolve-cluster").to("direct:schedule").process(tasks::created).to("direct:audit");
        api("api-task-events", "task:read", "task").process(tasks::events);

        api("api-file-create", "file:create").process(files::create).to("direct:audit");
        api("api-file-list", "file:read").process(files::list);
        api("api-file-get", "file:read", "file").process(files::get);
        api("api-file-delete", "file:delete", "file").process(files::delete).to("direct:audit");

        api("api-cluster-create", "cluster:create").process(clusters::create).to("direct:audit");
        api("api-cluster-list", "cluster:read").process(clusters::list);
        api("api-cluster-get", "cluster:read", "cluster").process(clusters::get);
        api("api-cluster-delete", "cluster:delete", "cluster").process(clusters::delete).to("direct:audit");

        api("api-node-list", "node:read").process(system::nodes);
        api("api-audit-list", "audit:read").process(system::audit);
        api("api-audit-verify", "audit:verify").process(system::verify);
    }

    /** An entry route: authenticate and authorize with {@code permission}, errors answered by {@link ErrorRoutes}. */
    private RouteDefinition api(String id, String permission) {
        return api(id, permission, null);
    }

    /**
     * An entry route whose path names an object of kind {@code resource}: authorize also checks
     * that the object is the caller's tenant's (404 otherwise) and within its role's clusters.
     */
    private RouteDefinition api(String id, String permission, String resource) {
        RouteDefinition r = from("direct:" + id).routeId(id).routeConfigurationId(ErrorRoutes.ID);
        if (resource != null) r.setProperty(Props.RESOURCE, constant(resource));
        return r.setProperty(Props.PERMISSION, constant(permission))
                .setProperty(Props.AUDIT_ACTION, constant(permission))
                .to("direct:authenticate")
                .to("direct:authorize");
    }
}
