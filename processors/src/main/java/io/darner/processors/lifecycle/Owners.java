package io.darner.processors.lifecycle;

import io.darner.processors.ApiException;
import io.darner.processors.Props;
import io.darner.processors.store.ClusterStore;
import io.darner.processors.store.FileVersionStore;
import io.darner.processors.store.Principal;
import io.darner.processors.store.RightsStore;
import io.darner.processors.store.Roles;
import io.darner.processors.store.TaskStore;
import io.darner.processors.store.UserStore;
import org.apache.camel.Exchange;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Who owns the object an operation's path names: its tenant and, for tasks and clusters, its
 * cluster. An object of another tenant is answered exactly as one that does not exist (404),
 * unless the caller is the super administrator.
 */
public final class Owners {
    /**
     * @param scoped whether the operation is limited by the clusters a role is limited to (tasks and clusters)
     * @param cluster the object's cluster (null for a task on an explicit node list)
     */
    public record Owner(String tenant, boolean scoped, String cluster) {}

    private final TaskStore tasks;
    private final ClusterStore clusters;
    private final FileVersionStore files;
    private final UserStore users;

    public Owners(TaskStore tasks, ClusterStore clusters, FileVersionStore files, UserStore users) {
        this.tasks = tasks;
        this.clusters = clusters;
        this.files = files;
        this.users = users;
    }

    public Owner owner(String resource, Exchange exchange, Principal p) {
        String id = header(exchange, "id"), name = header(exchange, "name"), version = header(exchange, "version");
        return switch (resource) {
            case "task" -> {
                exchange.setProperty(Props.AUDIT_TARGET, "task/" + id);
                Optional<TaskStore.Task> t = tasks.find(id).filter(x -> visible(p, x.tenant()));
                TaskStore.Task task = t.orElseThrow(() -> ApiException.notFound("id", "task " + id + " does not exist", "see GET /api/v1/tasks for the task ids"));
                yield new Owner(task.tenant(), true, task.clusterName());
            }
            case "cluster" -> {
                exchange.setProperty(Props.AUDIT_TARGET, "cluster/" + name);
                ClusterStore.Cluster c = pick(clusters.named(name), ClusterStore.Cluster::tenant, p, header(exchange, "tenant"), "name", "cluster " + name)
                        .orElseThrow(() -> ApiException.notFound("name", "cluster " + name + " does not exist", "see GET /api/v1/clusters"));
                exchange.setProperty(Props.OBJECT_TENANT, c.tenant());
                yield new Owner(c.tenant(), true, c.name());
            }
            case "file" -> {
                exchange.setProperty(Props.AUDIT_TARGET, "file/" + name + "@" + version);
                FileVersionStore.FileVersion f = pick(files.named(name, version), FileVersionStore.FileVersion::tenant, p, header(exchange, "tenant"),
                                "version", "file " + name + "@" + version)
                        .orElseThrow(() -> ApiException.notFound("version", "file " + name + "@" + version + " does not exist", "see GET /api/v1/files"));
                exchange.setProperty(Props.OBJECT_TENANT, f.tenant());
                yield new Owner(f.tenant(), false, null);
            }
            case "user" -> {
                exchange.setProperty(Props.AUDIT_TARGET, "user/" + name);
                UserStore.User u = users.find(name).filter(x -> visible(p, x.tenant()))
                        .orElseThrow(() -> ApiException.notFound("name", "user " + name + " does not exist", "see GET /api/v1/users"));
                yield new Owner(u.tenant(), false, null);
            }
            case "role" -> {
                exchange.setProperty(Props.AUDIT_TARGET, "role/" + name);
                if (Roles.builtIn(name)) yield new Owner(null, false, null);
                String tenant = p.superAdmin() && !header(exchange, "tenant").isEmpty() ? header(exchange, "tenant") : p.tenant();
                RightsStore.Role r = users.rights().role(tenant, name)
                        .orElseThrow(() -> ApiException.notFound("name", "role " + name + " does not exist in tenant " + tenant, "see GET /api/v1/roles"));
                yield new Owner(r.tenant(), false, null);
            }
            case "tenant" -> {
                exchange.setProperty(Props.AUDIT_TARGET, "tenant/" + name);
                RightsStore.Tenant t = users.rights().tenant(name).filter(x -> visible(p, x.name()))
                        .orElseThrow(() -> ApiException.notFound("name", "tenant " + name + " does not exist", "see GET /api/v1/tenants"));
                yield new Owner(t.name(), false, null);
            }
            case "token" -> {
                exchange.setProperty(Props.AUDIT_TARGET, "token/" + id);
                UserStore.Token t = users.token(id).filter(x -> x.username().equals(p.username()) || p.superAdmin())
                        .orElseThrow(() -> ApiException.notFound("id", "token " + id + " does not exist", "see GET /api/v1/auth/tokens"));
                yield new Owner(null, false, t.username());
            }
            default -> throw new IllegalStateException("unknown resource " + resource);
        };
    }

    /**
     * Which of the objects of one name (one per tenant at most) the caller means: its own tenant's;
     * for the super administrator, the one of {@code tenant} if given, else its own tenant's, else
     * the only one; several and none named: a 409 naming {@code field} and the tenants to choose from.
     * No principal (the server itself) is treated as the super administrator.
     */
    public static <T> Optional<T> pick(List<T> sameName, Function<T, String> tenantOf, Principal p, String tenant, String field, String what) {
        if (p != null && !p.superAdmin()) return sameName.stream().filter(x -> tenantOf.apply(x).equals(p.tenant())).findFirst();
        if (tenant != null && !tenant.isEmpty()) return sameName.stream().filter(x -> tenantOf.apply(x).equals(tenant)).findFirst();
        Optional<T> own = sameName.stream().filter(x -> p != null && tenantOf.apply(x).equals(p.tenant())).findFirst();
        if (own.isPresent() || sameName.size() <= 1) return own.or(() -> sameName.stream().findFirst());
        List<String> tenants = sameName.stream().map(tenantOf).sorted().toList();
        throw ApiException.conflict(field, what + " exists in several tenants: " + tenants,
                "name the tenant, e.g. ?tenant=" + tenants.get(0));
    }

    private static boolean visible(Principal p, String tenant) {
        return p.superAdmin() || p.tenant().equals(tenant);
    }

    private static String header(Exchange exchange, String name) {
        String v = exchange.getMessage().getHeader(name, String.class);
        return v == null ? "" : v;
    }
}
