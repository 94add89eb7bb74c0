package io.darner.engine.manifest;

import java.nio.charset.StandardCharsets;

/**
 * A task is known by its source and, when given, its expected digest, until the seed has
 * computed the content id. Every node and supernode derives the same id from the same inputs.
 */
public final class TaskKey {
    private TaskKey() {}

    public static String of(String source, String expectedDigest) {
        String key = source + "\n" + (expectedDigest == null ? "" : expectedDigest);
        return Sha256.hex(Sha256.of(key.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
    }
}
