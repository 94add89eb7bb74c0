package io.darner.processors.lifecycle;

import java.util.List;

/**
 * What a user asks for when creating a task (the JSON of {@code POST /api/v1/tasks}).
 * Exactly one of {@code source} (a URL) and {@code file} ({@code name@version}); exactly one of
 * {@code cluster} and {@code nodes}; {@code target} is the absolute path every node writes
 * ({@code {node}} is replaced by the node id); {@code rate} is bytes per second or a text like
 * {@code 50MB/s}; {@code startAt} an ISO-8601 instant.
 */
public record TaskRequest(String source, String file, String cluster, List<NodeInput> nodes, String target,
                          String digest, Object rate, String startAt) {
    /** A node of an explicit list; {@code room} defaults to the server's default room. */
    public record NodeInput(String id, String room) {}
}
