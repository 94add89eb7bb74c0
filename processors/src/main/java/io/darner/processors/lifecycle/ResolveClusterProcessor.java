package io.darner.processors.lifecycle;

import io.darner.processors.ApiException;
import io.darner.processors.Props;
import io.darner.processors.engine.Engine;
import io.darner.processors.store.ClusterStore;
import io.darner.processors.store.ClusterStore.NodeRef;
import io.darner.processors.store.FileVersionStore;
import io.darner.processors.store.Principal;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.util.List;
import java.util.Set;

/**
 * Step {@code resolve-cluster}: the draft's target becomes concrete nodes with rooms (from the
 * named cluster or the explicit list), a {@code name@version} becomes its source URL and digest,
 * and every room must have a supernode. Nothing is written by this step.
 */
public final class ResolveClusterProcessor implements Processor {
    private final ClusterStore clusters;
    private final FileVersionStore files;
    private final Engine engine;
    private final FileSources fileSources;

    public ResolveClusterProcessor(ClusterStore clusters, FileVersionStore files, Engine engine, FileSources fileSources) {
        this.clusters = clusters;
        this.files = files;
        this.engine = engine;
        this.fileSources = fileSources;
    }

    @Override
    public void process(Exchange exchange) {
        TaskDraft d = exchange.getProperty(Props.DRAFT, TaskDraft.class);
        Principal p = exchange.getProperty(Props.PRINCIPAL, Principal.class);
        String source = d.sourceUrl();
        String digest = d.digest();
        if (d.fileRef() != null) {
            int at = d.fileRef().lastIndexOf('@');
            FileVersionStore.FileVersion f = Owners.pick(files.named(d.fileRef().substring(0, at), d.fileRef().substring(at + 1)),
                            FileVersionStore.FileVersion::tenant, p, exchange.getProperty(Props.TENANT, String.class), "file", "file version " + d.fileRef())
                    .orElseThrow(() -> ApiException.badRequest("file", "file version " + d.fileRef() + " does not exist",
                            "register it with POST /api/v1/files, or see GET /api/v1/files for the known ones"));
            source = f.sourceUrl();
            // registered before darner.file-sources was narrowed, or written to the store directly
            fileSources.check(source, "file");
            if (digest != null && f.digest() != null && !digest.equals(f.digest())) {
                throw ApiException.badRequest("digest", "digest " + digest + " differs from the one registered for " + d.fileRef() + " (" + f.digest() + ")",
                        "leave 'digest' out to use the registered one");
            }
            if (digest == null) digest = f.digest();
        }
        List<NodeRef> nodes = d.nodes();
        if (d.cluster() != null) {
            ClusterStore.Cluster c = Owners.pick(clusters.named(d.cluster()), ClusterStore.Cluster::tenant, p,
                            exchange.getProperty(Props.TENANT, String.class), "cluster", "cluster " + d.cluster())
                    .orElseThrow(() -> ApiException.badRequest("cluster", "cluster " + d.cluster() + " does not exist",
                            "create it with POST /api/v1/clusters, or see GET /api/v1/clusters"));
            if (exchange.getProperty(Props.TENANT) == null) exchange.setProperty(Props.TENANT, c.tenant()); // a task belongs to its cluster's tenant
            if (c.nodes().isEmpty()) throw ApiException.badRequest("cluster", "cluster " + c.name() + " has no nodes", "add nodes to the cluster first");
            nodes = c.nodes();
        }
        // a role limited to named clusters creates tasks only on those (an explicit node list needs an unlimited one)
        if (p != null && !p.can("task:create", d.cluster())) {
            String where = d.cluster() == null ? "on an explicit node list" : "on cluster " + d.cluster();
            throw ApiException.forbidden("user " + p.username() + " (role " + p.role() + ") may not task:create " + where,
                    "ask an administrator for a role that grants task:create " + where);
        }
        Set<String> rooms = engine.rooms();
        for (int i = 0; i < nodes.size(); i++) {
            NodeRef n = nodes.get(i);
            if (!rooms.contains(n.room())) {
                String field = d.cluster() != null ? "cluster" : "nodes[" + i + "].room";
                throw ApiException.badRequest(field, "node " + n.nodeId() + " is in room " + n.room() + ", which no supernode serves",
                        "use one of the rooms " + rooms + ", or configure a supernode for room " + n.room());
            }
        }
        exchange.setProperty(Props.DRAFT, d.withResolved(source, digest, nodes));
    }
}
