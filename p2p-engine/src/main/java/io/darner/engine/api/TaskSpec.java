package io.darner.engine.api;

import io.darner.engine.manifest.ContentDigest;
import io.darner.engine.manifest.TaskKey;
import io.darner.engine.source.Sources;

import java.nio.file.Path;

/**
 * What to distribute: a source URL, optionally the digest its content must have, where a node
 * writes the verified file ({@code target} null: keep it in the piece store only), and the
 * download limits the task carries (stacked on each node's own cap).
 */
public record TaskSpec(String source, ContentDigest expectedDigest, Path target, RateLimits limits) {
    public TaskSpec {
        Sources.of(source); // validates the URL and its scheme with a message naming both
        if (limits == null) limits = RateLimits.NONE;
    }

    public TaskSpec(String source, ContentDigest expectedDigest, Path target) {
        this(source, expectedDigest, target, RateLimits.NONE);
    }

    public TaskSpec withLimits(RateLimits limits) {
        return new TaskSpec(source, expectedDigest, target, limits);
    }

    public static TaskSpec of(String source, String expectedDigest, Path target) {
        return new TaskSpec(source, expectedDigest == null || expectedDigest.isBlank() ? null : ContentDigest.parse(expectedDigest), target);
    }

    public String taskId() {
        return TaskKey.of(source, expectedDigestText());
    }

    public String expectedDigestText() {
        return expectedDigest == null ? "" : expectedDigest.toString();
    }
}
