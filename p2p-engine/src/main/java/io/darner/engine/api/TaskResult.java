package io.darner.engine.api;

/**
 * How a task ended on one node. On success {@code contentId} is the SHA-256 of the file (hex)
 * and the target, if any, holds exactly those bytes. {@code fromSource} is true when the node
 * fetched straight from the source because no supernode was reachable.
 */
public record TaskResult(String taskId, String nodeId, boolean success, String contentId, long size,
                         String message, boolean fromSource, TransferStats stats) {

    /** Bytes this node received: verified pieces, duplicates (end-game, races) and those that failed their check. */
    public record TransferStats(long receivedBytes, long duplicateBytes, long corruptBytes, long fromSeedBytes, long reusedBytes) {
        public static final TransferStats NONE = new TransferStats(0, 0, 0, 0, 0);
    }
}
