package io.darner.processors.api;

import io.darner.processors.ApiException;
import io.darner.processors.Json;
import io.darner.processors.Props;
import io.darner.processors.lifecycle.ValidateProcessor;
import io.darner.processors.store.Principal;
import io.darner.processors.store.RightsStore;
import io.darner.processors.store.Roles;
import io.darner.processors.store.UserStore;
import org.apache.camel.Exchange;
import org.springframework.dao.DuplicateKeyException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Users, roles and tenants. Nobody grants more than they hold: a role given to a user, or put into
 * a custom role, must be within the caller's own permissions (and cluster limits); only the super
 * administrator grants {@code super-admin} and manages tenants.
 */
public final class RightsApi {
    public record GrantInput(String role, List<String> clusters) {}

    public record UserRequest(String username, String password, String tenant, List<GrantInput> roles, Boolean disabled) {}

    public record UserUpdate(String password, List<GrantInput> roles, Boolean disabled) {}

    public record RoleRequest(String name, List<String> permissions, List<String> clusters, String tenant) {}

    public record TenantRequest(String name, BandwidthRequest bandwidth) {}

    /** A tenant's bandwidth policy: each a number of bytes per second or a text like "20MB/s"; absent or null: no cap. */
    public record BandwidthRequest(Object nodeDownload, Object task, Object originEgress) {
        /** The policy, or a 400 naming the field ({@code prefix} + name). */
        RightsStore.Bandwidth parse(String prefix) {
            return new RightsStore.Bandwidth(ValidateProcessor.rate(nodeDownload, prefix + "nodeDownload"),
                    ValidateProcessor.rate(task, prefix + "task"), ValidateProcessor.rate(originEgress, prefix + "originEgress"));
        }
    }

    public static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private final UserStore users;
    private final RightsStore rights;

    public RightsApi(UserStore users) {
        this.users = users;
        this.rights = users.rights();
    }

    // ---- users

    public void createUser(Exchange exchange) {
        UserRequest r = Json.read(exchange, UserRequest.class);
        Principal p = principal(exchange);
        if (r.username() == null || !USERNAME.matcher(r.username()).matches()) {
            throw ApiException.badRequest("username", "username is missing or not valid", "use letters, digits, '.', '_', '@' or '-' (at most 64)");
        }
        exchange.setProperty(Props.AUDIT_TARGET, "user/" + r.username());
        password(r.password(), true);
        String tenant = r.tenant() == null ? p.tenant() : r.tenant();
        if (!p.superAdmin() && !tenant.equals(p.tenant()) || rights.tenant(tenant).isEmpty()) {
            throw ApiException.badRequest("tenant", "tenant " + AuthApi.clip(tenant) + " does not exist", "leave it out for your own tenant, or see GET /api/v1/tenants");
        }
        List<Principal.Grant> grants = grants(r.roles() == null ? List.of() : r.roles(), tenant, p);
        try {
            users.create(r.username(), r.password(), tenant, grants);
            if (Boolean.TRUE.equals(r.disabled())) users.update(r.username(), null, true, null);
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("username", "user " + r.username() + " exists already", "choose another user name");
        }
        Views.reply(exchange, 201, Views.user(users.find(r.username()).orElseThrow()));
    }

    public void listUsers(Exchange exchange) {
        Principal p = principal(exchange);
        String tenant = p.superAdmin() ? Params.text(exchange, "tenant", 64) : p.tenant();
        Views.reply(exchange, 200, Map.of("items", users.list(tenant).stream().map(Views::user).toList()));
    }

    public void getUser(Exchange exchange) {
        Views.reply(exchange, 200, Views.user(user(exchange)));
    }

    public void updateUser(Exchange exchange) {
        UserStore.User u = user(exchange);
        UserUpdate r = Json.read(exchange, UserUpdate.class);
        Principal p = principal(exchange);
        if (r.password() == null && r.roles() == null && r.disabled() == null) {
            throw ApiException.badRequest(Json.BODY, "nothing to change", "give one or more of password, roles, disabled");
        }
        if (r.password() != null) password(r.password(), false);
        if (u.username().equals(p.username()) && (Boolean.TRUE.equals(r.disabled()) || r.roles() != null)) {
            throw ApiException.conflict(r.roles() != null ? "roles" : "disabled", "you may not disable yourself or change your own roles",
                    "ask another administrator");
        }
        List<Principal.Grant> grants = r.roles() == null ? null : grants(r.roles(), u.tenant(), p);
        users.update(u.username(), r.password(), r.disabled(), grants);
        Views.reply(exchange, 200, Views.user(users.find(u.username()).orElseThrow()));
    }

    public void deleteUser(Exchange exchange) {
        UserStore.User u = user(exchange);
        if (u.username().equals(principal(exchange).username())) {
            throw ApiException.conflict("name", "you may not delete yourself", "ask another administrator");
        }
        users.delete(u.username());
        Json.noContent(exchange);
    }

    private UserStore.User user(Exchange exchange) {
        String name = exchange.getMessage().getHeader("name", String.class);
        return users.find(name == null ? "" : name).orElseThrow(() -> ApiException.notFound("name", "user " + name + " does not exist", "see GET /api/v1/users"));
    }

    private static void password(String password, boolean required) {
        if (password == null && !required) return;
        if (password == null || password.length() < 12 || password.length() > 200) {
            throw ApiException.badRequest("password", "password is missing or not 12 to 200 characters long", "choose a longer password (a passphrase works well)");
        }
    }

    private List<Principal.Grant> grants(List<GrantInput> in, String tenant, Principal p) {
        if (in.size() > 20) throw ApiException.badRequest("roles", "more than 20 roles", "grant at most 20 roles");
        List<Principal.Grant> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < in.size(); i++) {
            GrantInput g = in.get(i);
            String field = "roles[" + i + "]";
            if (g == null || g.role() == null || !ValidateProcessor.NAME.matcher(g.role()).matches()) {
                throw ApiException.badRequest(field + ".role", "role is missing or not valid", "use a built-in role " + Roles.BUILT_IN.keySet() + " or one of GET /api/v1/roles");
            }
            if (!seen.add(g.role())) throw ApiException.badRequest(field + ".role", "role " + g.role() + " is granted twice", "grant each role once");
            Set<String> perms;
            Set<String> roleClusters = null;
            if (Roles.builtIn(g.role())) {
                perms = Roles.BUILT_IN.get(g.role());
            } else {
                RightsStore.Role custom = rights.role(tenant, g.role()).orElseThrow(() -> ApiException.badRequest(field + ".role",
                        "role " + g.role() + " does not exist in tenant " + tenant, "use a built-in role " + Roles.BUILT_IN.keySet() + " or one of GET /api/v1/roles"));
                perms = custom.permissions();
                roleClusters = custom.clusters();
            }
            Set<String> clusters = clusters(g.clusters(), field + ".clusters");
            if (g.role().equals(Roles.SUPER_ADMIN) && clusters != null) {
                throw ApiException.badRequest(field + ".clusters", "the super administrator is not limited to clusters", "leave clusters out");
            }
            Set<String> effective = clusters != null ? clusters : roleClusters;
            if (g.role().equals(Roles.SUPER_ADMIN) ? !p.superAdmin() : !p.holdsAll(perms, effective)) {
                throw ApiException.forbidden("user " + p.username() + " (role " + p.role() + ") may not grant role " + g.role()
                        + ": it allows more than " + p.username() + " may do", "ask an administrator who holds every permission of " + g.role());
            }
            out.add(new Principal.Grant(g.role(), perms, clusters));
        }
        return out;
    }

    private static Set<String> clusters(List<String> in, String field) {
        if (in == null) return null;
        if (in.isEmpty() || in.size() > 100) throw ApiException.badRequest(field, "clusters must list 1 to 100 cluster names", "leave it out for all clusters of the tenant");
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < in.size(); i++) {
            String c = in.get(i);
            if (c == null || !ValidateProcessor.NAME.matcher(c).matches()) {
                throw ApiException.badRequest(field + "[" + i + "]", "cluster name '" + AuthApi.clip(c) + "' is not valid", "use letters, digits, '.', '_', ':' or '-' (at most 64)");
            }
            out.add(c);
        }
        return out;
    }

    // ---- roles

    public void listRoles(Exchange exchange) {
        Principal p = principal(exchange);
        List<Map<String, Object>> items = new ArrayList<>();
        Roles.BUILT_IN.forEach((name, perms) -> items.add(Views.role(name, null, perms, null, true)));
        String tenant = p.superAdmin() ? Params.optional(exchange, "tenant") : p.tenant();
        for (RightsStore.Role r : rights.roles(tenant)) items.add(Views.role(r.name(), r.tenant(), r.permissions(), r.clusters(), false));
        Views.reply(exchange, 200, Map.of("items", items));
    }

    public void getRole(Exchange exchange) {
        String name = exchange.getMessage().getHeader("name", String.class);
        if (Roles.builtIn(name)) {
            Views.reply(exchange, 200, Views.role(name, null, Roles.BUILT_IN.get(name), null, true));
            return;
        }
        RightsStore.Role r = customRole(exchange, name);
        Views.reply(exchange, 200, Views.role(r.name(), r.tenant(), r.permissions(), r.clusters(), false));
    }

    public void createRole(Exchange exchange) {
        RoleRequest r = Json.read(exchange, RoleRequest.class);
        Principal p = principal(exchange);
        if (r.name() == null || !ValidateProcessor.NAME.matcher(r.name()).matches()) {
            throw ApiException.badRequest("name", "role name is missing or not valid", "use letters, digits, '.', '_', ':' or '-' (at most 64)");
        }
        exchange.setProperty(Props.AUDIT_TARGET, "role/" + r.name());
        if (Roles.builtIn(r.name()) || r.name().equals("admin")) throw ApiException.conflict("name", "role " + r.name() + " is built in", "choose another name");
        String tenant = r.tenant() == null ? p.tenant() : r.tenant();
        if (!p.superAdmin() && !tenant.equals(p.tenant()) || rights.tenant(tenant).isEmpty()) {
            throw ApiException.badRequest("tenant", "tenant " + AuthApi.clip(tenant) + " does not exist", "leave it out for your own tenant");
        }
        if (r.permissions() == null || r.permissions().isEmpty() || r.permissions().size() > 50) {
            throw ApiException.badRequest("permissions", "permissions must list 1 to 50 permissions", "e.g. [\"task:read\", \"task:create\", \"task:stop\"]");
        }
        Set<String> perms = new LinkedHashSet<>();
        for (int i = 0; i < r.permissions().size(); i++) {
            String s = r.permissions().get(i);
            String why = Roles.invalid(s);
            if (why == null && (s.startsWith("tenant:") || s.startsWith("*:"))) why = "reaches beyond the tenant (only the super administrator manages tenants)";
            if (why != null) {
                throw ApiException.badRequest("permissions[" + i + "]", "permission '" + AuthApi.clip(s) + "' " + why,
                        "use resource:action; resources " + Roles.RESOURCES.stream().filter(x -> !x.equals("tenant")).toList() + ", actions " + Roles.ACTIONS + " or *");
            }
            perms.add(s);
        }
        Set<String> clusters = clusters(r.clusters(), "clusters");
        if (!p.holdsAll(perms, clusters)) {
            throw ApiException.forbidden("user " + p.username() + " (role " + p.role() + ") may not make a role with more rights than its own",
                    "leave out the permissions you do not hold yourself");
        }
        try {
            rights.createRole(new RightsStore.Role(tenant, r.name(), perms, clusters, System.currentTimeMillis(), p.username()));
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("name", "role " + r.name() + " exists already in tenant " + tenant, "choose another name, or delete the old role first");
        }
        Views.reply(exchange, 201, Views.role(r.name(), tenant, perms, clusters, false));
    }

    public void deleteRole(Exchange exchange) {
        String name = exchange.getMessage().getHeader("name", String.class);
        if (Roles.builtIn(name)) throw ApiException.conflict("name", "role " + name + " is built in and cannot be deleted", "nothing to do");
        RightsStore.Role r = customRole(exchange, name);
        rights.deleteRole(r.tenant(), r.name());
        Json.noContent(exchange);
    }

    private RightsStore.Role customRole(Exchange exchange, String name) {
        Principal p = principal(exchange);
        String tenant = p.superAdmin() && Params.optional(exchange, "tenant") != null ? Params.optional(exchange, "tenant") : p.tenant();
        return rights.role(tenant, name).orElseThrow(() -> ApiException.notFound("name", "role " + name + " does not exist", "see GET /api/v1/roles"));
    }

    // ---- tenants

    public void createTenant(Exchange exchange) {
        TenantRequest r = Json.read(exchange, TenantRequest.class);
        if (r.name() == null || !ValidateProcessor.NAME.matcher(r.name()).matches()) {
            throw ApiException.badRequest("name", "tenant name is missing or not valid", "use letters, digits, '.', '_', ':' or '-' (at most 64)");
        }
        RightsStore.Bandwidth bandwidth = r.bandwidth() == null ? RightsStore.Bandwidth.NONE : r.bandwidth().parse("bandwidth.");
        exchange.setProperty(Props.AUDIT_TARGET, "tenant/" + r.name());
        try {
            rights.createTenant(r.name(), principal(exchange).username(), bandwidth);
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("name", "tenant " + r.name() + " exists already", "choose another name");
        }
        Views.reply(exchange, 201, Views.tenant(rights.tenant(r.name()).orElseThrow()));
    }

    /** Replaces a tenant's bandwidth policy; tasks handed out from now on carry it. */
    public void setBandwidth(Exchange exchange) {
        String name = exchange.getMessage().getHeader("name", String.class);
        RightsStore.Bandwidth bandwidth = Json.read(exchange, BandwidthRequest.class).parse("");
        exchange.setProperty(Props.AUDIT_TARGET, "tenant/" + name);
        if (!rights.setBandwidth(name, bandwidth)) throw ApiException.notFound("name", "tenant " + name + " does not exist", "see GET /api/v1/tenants");
        Views.reply(exchange, 200, Views.tenant(rights.tenant(name).orElseThrow()));
    }

    public void listTenants(Exchange exchange) {
        Principal p = principal(exchange);
        Views.reply(exchange, 200, Map.of("items", rights.tenants().stream().filter(t -> p.superAdmin() || t.name().equals(p.tenant())).map(Views::tenant).toList()));
    }

    public void getTenant(Exchange exchange) {
        String name = exchange.getMessage().getHeader("name", String.class);
        Views.reply(exchange, 200, Views.tenant(rights.tenant(name).orElseThrow(() -> ApiException.notFound("name", "tenant " + name + " does not exist", "see GET /api/v1/tenants"))));
    }

    public void deleteTenant(Exchange exchange) {
        String name = exchange.getMessage().getHeader("name", String.class);
        if (Principal.DEFAULT_TENANT.equals(name)) throw ApiException.conflict("name", "the default tenant cannot be deleted", "nothing to do");
        long owned = rights.owned(name);
        if (owned > 0) throw ApiException.conflict("name", "tenant " + name + " still owns " + owned + " object(s)", "delete its users, roles, clusters, file versions and tasks first");
        rights.deleteTenant(name);
        Json.noContent(exchange);
    }

    private static Principal principal(Exchange exchange) {
        return exchange.getProperty(Props.PRINCIPAL, Principal.class);
    }

    static Map<String, Object> map() {
        return new LinkedHashMap<>();
    }
}
