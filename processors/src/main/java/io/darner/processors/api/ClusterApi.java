package io.darner.processors.api;

import io.darner.processors.ApiException;
import io.darner.processors.Json;
import io.darner.processors.Props;
import io.darner.processors.lifecycle.ValidateProcessor;
import io.darner.processors.store.ClusterStore;
import io.darner.processors.store.ClusterStore.NodeRef;
import io.darner.processors.store.Principal;
import org.apache.camel.Exchange;
import org.springframework.dao.DuplicateKeyException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Clusters of kind {@code host}: create, list, get, delete. */
public final class ClusterApi {
    /** {@code POST /api/v1/clusters} body. */
    public record ClusterRequest(String name, String kind, List<NodeInput> nodes, String tenant) {}

    public record NodeInput(String id, String room) {}

    private final ClusterStore clusters;
    private final String defaultRoom;

    private final io.darner.processors.store.RightsStore rights;

    public ClusterApi(ClusterStore clusters, String defaultRoom) {
        this(clusters, defaultRoom, null);
    }

    /** With {@code rights}: the super administrator may create a cluster for another tenant ({@code "tenant"}). */
    public ClusterApi(ClusterStore clusters, String defaultRoom, io.darner.processors.store.RightsStore rights) {
        this.clusters = clusters;
        this.defaultRoom = defaultRoom;
        this.rights = rights;
    }

    public void create(Exchange exchange) {
        ClusterRequest r = Json.read(exchange, ClusterRequest.class);
        if (r.name() == null || !ValidateProcessor.NAME.matcher(r.name()).matches()) {
            throw ApiException.badRequest("name", "cluster name is missing or not valid", "use letters, digits, '.', '_', ':' or '-' (at most 64)");
        }
        String kind = r.kind() == null ? "host" : r.kind();
        if (!kind.equals("host")) {
            throw ApiException.badRequest("kind", "cluster kind '" + kind + "' is not supported yet", "use \"host\" (a list of nodes with rooms)");
        }
        if (r.nodes() == null || r.nodes().isEmpty()) {
            throw ApiException.badRequest("nodes", "a host cluster needs at least one node", "give \"nodes\": [{\"id\": \"node-1\", \"room\": \"" + defaultRoom + "\"}]");
        }
        List<NodeRef> nodes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < r.nodes().size(); i++) {
            NodeInput n = r.nodes().get(i);
            if (n == null || n.id() == null || !ValidateProcessor.NODE_ID.matcher(n.id()).matches()) {
                throw ApiException.badRequest("nodes[" + i + "].id", "node id is missing or not valid", "use the agent's --node-id");
            }
            String room = n.room() == null ? defaultRoom : n.room();
            if (!ValidateProcessor.NAME.matcher(room).matches()) throw ApiException.badRequest("nodes[" + i + "].room", "room '" + room + "' is not valid", "use letters, digits, '.', '_', ':' or '-'");
            if (!seen.add(n.id())) throw ApiException.badRequest("nodes[" + i + "].id", "node " + n.id() + " is listed twice", "list each node once");
            nodes.add(new NodeRef(n.id(), room));
        }
        Principal p = exchange.getProperty(Props.PRINCIPAL, Principal.class);
        exchange.setProperty(Props.AUDIT_TARGET, "cluster/" + r.name());
        String tenant = TenantField.of(r.tenant(), p, rights);
        if (!p.can("cluster:create", r.name())) {
            throw ApiException.forbidden("user " + p.username() + " (role " + p.role() + ") may not cluster:create on cluster " + r.name(),
                    "ask an administrator for a role that grants cluster:create on cluster " + r.name());
        }
        try {
            clusters.create(new ClusterStore.Cluster(r.name(), kind, nodes, System.currentTimeMillis(), p.username(), tenant));
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("name", "cluster " + r.name() + " exists already", "choose another name, or delete the old cluster first");
        }
        Views.reply(exchange, 201, Views.cluster(clusters.find(tenant, r.name()).orElseThrow()));
    }

    public void list(Exchange exchange) {
        Principal p = exchange.getProperty(Props.PRINCIPAL, Principal.class);
        Views.reply(exchange, 200, Map.of("items", clusters.inTenant(p.superAdmin() ? null : p.tenant()).stream()
                .filter(c -> p.can("cluster:read", c.name())).map(Views::cluster).toList()));
    }

    public void get(Exchange exchange) {
        Views.reply(exchange, 200, Views.cluster(find(exchange)));
    }

    public void delete(Exchange exchange) {
        ClusterStore.Cluster c = find(exchange);
        exchange.setProperty(Props.AUDIT_TARGET, "cluster/" + c.name());
        clusters.delete(c.tenant(), c.name());
        io.darner.processors.Json.noContent(exchange);
    }

    /** The cluster authorize found for the path (of the tenant it set). */
    private ClusterStore.Cluster find(Exchange exchange) {
        String name = exchange.getMessage().getHeader("name", String.class);
        return clusters.find(exchange.getProperty(Props.OBJECT_TENANT, "", String.class), name == null ? "" : name)
                .orElseThrow(() -> ApiException.notFound("name", "cluster " + name + " does not exist", "see GET /api/v1/clusters"));
    }
}
