package io.darner.server;

import io.darner.processors.store.Roles;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * THE authorisation table: every endpoint of {@code /api/v1} × every built-in role × the caller's
 * own tenant and another tenant, with the status each call answers. {@link RightsMatrixRestTest}
 * makes every one of these calls against the running server; {@code docs/rights.md} is rendered
 * from this table (and a test fails when the file differs from the rendering).
 *
 * <p>Cells are {@code own/foreign}: the status when the object named (in the path, or in the body
 * for a task's cluster) belongs to the caller's tenant, and when it belongs to another tenant;
 * {@code -} where an endpoint names no object. Placeholders in a call ({@code {task}},
 * {@code {cluster}}, …) are replaced by fresh objects of the tenant of the column.
 */
final class RightsTable {
    static final List<String> ROLES = List.of(Roles.SUPER_ADMIN, Roles.CLUSTER_ADMIN, Roles.TASK_ADMIN, Roles.VIEWER);

    /** One endpoint: how it is declared, the permission its route sets, the call made, and the expected status per role. */
    record Row(String method, String path, String permission, String call, String body, List<String> cells) {
        String endpoint() {
            return method + " " + path;
        }

        boolean write() {
            return !method.equals("GET") && !path.equals("/auth/login");
        }

        /** Expected status for {@code role} in the own ({@code foreign} false) or another tenant; null: not applicable. */
        Integer expect(String role, boolean foreign) {
            String[] c = cells.get(ROLES.indexOf(role)).split("/");
            String v = foreign ? c[1] : c[0];
            return v.equals("-") ? null : Integer.valueOf(v);
        }
    }

    private static Row r(String method, String path, String permission, String call, String body, String superAdmin, String clusterAdmin,
                         String taskAdmin, String viewer) {
        return new Row(method, path, permission, call, body, List.of(superAdmin, clusterAdmin, taskAdmin, viewer));
    }

    static final String TASK_BODY = "{\"cluster\":\"{cluster}\",\"source\":\"https://origin.example/app.tar\",\"target\":\"/opt/m/app.tar\","
            + "\"startAt\":\"2099-01-01T00:00:00Z\"}";

    //                 method    path                        permission       call                            body
    //                 super-admin  cluster-admin  task-admin  viewer
    static final List<Row> ROWS = List.of(
            r("GET", "/health", "public", "/health", null, "200/-", "200/-", "200/-", "200/-"),
            r("POST", "/auth/login", "public", "/auth/login", "{login}", "200/-", "200/-", "200/-", "200/-"),
            r("POST", "/auth/tokens", "token:create", "/auth/tokens", "{\"name\":\"matrix\",\"scopes\":[\"task:read\"],\"expiresInDays\":1}", "201/-", "201/-", "201/-", "201/-"),
            r("GET", "/auth/tokens", "token:read", "/auth/tokens", null, "200/-", "200/-", "200/-", "200/-"),
            r("DELETE", "/auth/tokens/{id}", "token:delete", "/auth/tokens/{token}", null, "204/204", "204/404", "204/404", "204/404"),
            r("GET", "/auth/me", "self:read", "/auth/me", null, "200/-", "200/-", "200/-", "200/-"),

            r("POST", "/tasks", "task:create", "/tasks", TASK_BODY, "201/201", "201/400", "201/400", "403/403"),
            r("GET", "/tasks", "task:read", "/tasks", null, "200/-", "200/-", "200/-", "200/-"),
            r("GET", "/tasks/{id}", "task:read", "/tasks/{task}", null, "200/200", "200/404", "200/404", "200/404"),
            r("POST", "/tasks/{id}/stop", "task:stop", "/tasks/{task}/stop", "{}", "200/200", "200/404", "200/404", "403/403"),
            r("DELETE", "/tasks/{id}", "task:delete", "/tasks/{doneTask}", null, "204/204", "204/404", "204/404", "403/403"),
            r("POST", "/tasks/{id}/copy", "task:create", "/tasks/{task}/copy", "{}", "201/201", "201/404", "201/404", "403/403"),
            r("GET", "/tasks/{id}/events", "task:read", "/tasks/{task}/events", null, "200/200", "200/404", "200/404", "200/404"),

            r("POST", "/files", "file:create", "/files", "{\"name\":\"{new}\",\"version\":\"1.0\",\"source\":\"https://origin.example/f.tar\"}", "201/-", "403/-", "201/-", "403/-"),
            r("GET", "/files", "file:read", "/files", null, "200/-", "200/-", "200/-", "200/-"),
            r("GET", "/files/{name}/{version}", "file:read", "/files/{file}/1.0", null, "200/200", "200/404", "200/404", "200/404"),
            r("DELETE", "/files/{name}/{version}", "file:delete", "/files/{file}/1.0", null, "204/204", "403/403", "204/404", "403/403"),

            r("POST", "/clusters", "cluster:create", "/clusters", "{\"name\":\"{new}\",\"nodes\":[{\"id\":\"n1\"}]}", "201/-", "201/-", "403/-", "403/-"),
            r("GET", "/clusters", "cluster:read", "/clusters", null, "200/-", "200/-", "200/-", "200/-"),
            r("GET", "/clusters/{name}", "cluster:read", "/clusters/{cluster}", null, "200/200", "200/404", "200/404", "200/404"),
            r("DELETE", "/clusters/{name}", "cluster:delete", "/clusters/{cluster}", null, "204/204", "204/404", "403/403", "403/403"),

            r("GET", "/nodes", "node:read", "/nodes", null, "200/-", "200/-", "200/-", "200/-"),
            r("GET", "/audit", "audit:read", "/audit?size=5", null, "200/-", "200/-", "200/-", "200/-"),
            r("GET", "/audit/verify", "audit:verify", "/audit/verify", null, "200/-", "403/-", "403/-", "403/-"),

            r("POST", "/users", "user:create", "/users", "{\"username\":\"{new}\",\"password\":\"a-long-enough-password\",\"roles\":[{\"role\":\"viewer\"}]}", "201/-", "403/-", "403/-", "403/-"),
            r("GET", "/users", "user:read", "/users", null, "200/-", "403/-", "403/-", "403/-"),
            r("GET", "/users/{name}", "user:read", "/users/{user}", null, "200/200", "403/403", "403/403", "403/403"),
            r("PUT", "/users/{name}", "user:update", "/users/{user}", "{\"disabled\":true}", "200/200", "403/403", "403/403", "403/403"),
            r("DELETE", "/users/{name}", "user:delete", "/users/{user}", null, "204/204", "403/403", "403/403", "403/403"),

            r("POST", "/roles", "role:create", "/roles", "{\"name\":\"{new}\",\"permissions\":[\"task:read\"]}", "201/-", "403/-", "403/-", "403/-"),
            r("GET", "/roles", "role:read", "/roles", null, "200/-", "403/-", "403/-", "403/-"),
            r("GET", "/roles/{name}", "role:read", "/roles/{role}?tenant={tenant}", null, "200/200", "403/403", "403/403", "403/403"),
            r("DELETE", "/roles/{name}", "role:delete", "/roles/{role}?tenant={tenant}", null, "204/204", "403/403", "403/403", "403/403"),

            r("POST", "/tenants", "tenant:create", "/tenants", "{\"name\":\"{new}\"}", "201/-", "403/-", "403/-", "403/-"),
            r("GET", "/tenants", "tenant:read", "/tenants", null, "200/-", "403/-", "403/-", "403/-"),
            r("GET", "/tenants/{name}", "tenant:read", "/tenants/{tenant}", null, "200/200", "403/403", "403/403", "403/403"),
            r("PUT", "/tenants/{name}/bandwidth", "tenant:update", "/tenants/{tenant}/bandwidth", "{\"nodeDownload\":\"20MB/s\"}", "200/200", "403/403", "403/403", "403/403"),
            r("DELETE", "/tenants/{name}", "tenant:delete", "/tenants/{emptyTenant}", null, "204/204", "403/403", "403/403", "403/403"));

    private RightsTable() {}

    /** docs/rights.md: the model in words, the built-in roles, and this table. */
    static String render() {
        StringBuilder b = new StringBuilder();
        b.append("# Rights\n\n");
        b.append("<!-- Generated from config/src/test/java/io/darner/server/RightsTable.java by RightsMatrixRestTest;\n");
        b.append("     edit the table there and run the test with -Ddarner.writeRightsDoc=true. -->\n\n");
        b.append("**Tenants** own users, custom roles, clusters, file versions and tasks. A user sees and touches only its\n");
        b.append("tenant's objects: another tenant's object answers **404**, exactly as one that does not exist. The super\n");
        b.append("administrator sees every tenant. The bootstrap `admin` is the super administrator of the tenant `default`.\n\n");
        b.append("A **permission** is `resource:action`; a **role** is a set of permission patterns (`task:*`, `*:read`).\n");
        b.append("Roles are granted to users, each grant optionally limited to named clusters: a cluster administrator of\n");
        b.append("`prod-a` may act on `prod-a` and its tasks, and answers 403 on `prod-b`. A custom role (`POST /roles`) is\n");
        b.append("made of permissions over ").append(Roles.RESOURCES.stream().filter(r -> !r.equals("tenant")).map(r -> "`" + r + "`").collect(Collectors.joining(", ")));
        b.append(" and actions ").append(Roles.ACTIONS.stream().map(a -> "`" + a + "`").collect(Collectors.joining(", "))).append(",\n");
        b.append("optionally limited to clusters. Nobody grants more than they hold; only the super administrator manages\n");
        b.append("tenants and grants `super-admin`. Every user may read `/auth/me` and manage its own tokens.\n\n");
        b.append("**API tokens** are scoped (a token does at most what its scopes and its user's roles both allow), may\n");
        b.append("expire, are revocable (`DELETE /auth/tokens/{id}`), stored as SHA-256 only and shown once, at creation.\n\n");
        b.append("## Built-in roles\n\n| role | permissions |\n|---|---|\n");
        for (Map.Entry<String, java.util.Set<String>> e : Roles.BUILT_IN.entrySet()) {
            b.append("| `").append(e.getKey()).append("` | ").append(new java.util.TreeSet<>(e.getValue()).stream().map(p -> "`" + p + "`")
                    .collect(Collectors.joining(" "))).append(" |\n");
        }
        b.append("\n## Who may call what\n\n");
        b.append("Each cell is *own tenant / another tenant's object*; `-`: the endpoint names no object. 401 (no, malformed,\n");
        b.append("unknown, expired or revoked token) is not shown: it is the answer of every endpoint but health and login.\n");
        b.append("400 for `POST /tasks` in another tenant: the named cluster does not exist for the caller.\n\n");
        b.append("| endpoint | permission |");
        for (String role : ROLES) b.append(" ").append(role).append(" |");
        b.append("\n|---|---|");
        for (int i = 0; i < ROLES.size(); i++) b.append("---|");
        b.append("\n");
        for (Row row : ROWS) {
            b.append("| `").append(row.endpoint()).append("` | `").append(row.permission()).append("` |");
            for (String c : row.cells()) b.append(" ").append(c.replace("/", " / ")).append(" |");
            b.append("\n");
        }
        b.append("\n## Audit\n\n");
        b.append("Every change (refused or not), every login (success and failure) and every refusal by `authorize` writes a\n");
        b.append("row: actor, tenant, action, target, outcome (`ok`, `denied`, `refused`, `throttled`, `error`), the token\n");
        b.append("used, the client address and the time. Rows are hash-chained; `GET /audit/verify` reports the first row\n");
        b.append("that was altered, or after which rows were removed. `GET /audit?actor=&action=&target=&from=&to=&page=&size=`\n");
        b.append("queries them, newest first; users other than the super administrator see their tenant's rows.\n\n");
        b.append("## Login throttling\n\n");
        b.append("After `darner.auth.max-failed-logins` (default 5) failed logins in a row, a user name is refused with **429**\n");
        b.append("for `darner.auth.lockout` (default 15 minutes), even with the right password; known and unknown names alike.\n\n");
        b.append("## Bandwidth policy\n\n");
        b.append("A tenant may carry three caps, each bytes per second or a text like `\"20MB/s\"` / `\"400Mbit/s\"`; absent: no cap.\n");
        b.append("The super administrator sets them at creation (`POST /tenants` with `bandwidth`) or replaces them with\n");
        b.append("`PUT /tenants/{name}/bandwidth`, e.g. `{\"nodeDownload\":\"20MB/s\",\"task\":\"5MB/s\",\"originEgress\":\"30MB/s\"}`:\n\n");
        b.append("- `nodeDownload`: the download rate the tenant's concurrent tasks share on each node;\n");
        b.append("- `task`: the most any one task of the tenant downloads on each node (a task's own `rate` is lowered to it);\n");
        b.append("- `originEgress`: the rate at which a supernode's seed uploads the tenant's tasks, shared by them.\n\n");
        b.append("A task carries the policy as it stands when it is handed out (its log shows a `limits` event); agents and\n");
        b.append("supernodes enforce it with token buckets stacked on their own `--download-rate`/`--upload-rate` caps.\n");
        b.append("`./darner bench --policy` measures each cap (see `docs/benchmarks.md`). Two tenants distributing the very\n");
        b.append("same content at once share one swarm, and one set of limits: the latest handed out.\n");
        return b.toString();
    }
}
