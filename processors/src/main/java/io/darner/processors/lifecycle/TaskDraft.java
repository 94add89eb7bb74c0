package io.darner.processors.lifecycle;

import io.darner.processors.store.ClusterStore.NodeRef;

import java.util.List;

/** A task request after validation, and after {@code resolve-cluster}, with its concrete nodes and source. */
public record TaskDraft(String sourceUrl, String fileRef, String digest, String target, String cluster,
                        List<NodeRef> nodes, Long rateBytes, Long startAt, String copiedFrom) {
    public TaskDraft withResolved(String sourceUrl, String digest, List<NodeRef> nodes) {
        return new TaskDraft(sourceUrl, fileRef, digest, target, cluster, nodes, rateBytes, startAt, copiedFrom);
    }

    public TaskDraft copiedFrom(String id) {
        return new TaskDraft(sourceUrl, fileRef, digest, target, cluster, nodes, rateBytes, startAt, id);
    }
}
