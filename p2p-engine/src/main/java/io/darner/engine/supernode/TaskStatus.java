package io.darner.engine.supernode;

import java.util.List;

/**
 * A snapshot of one task as the supernode sees it: its source, what the seed learned of it
 * ({@code size} -1 and {@code contentId} null until known; {@code failure} null unless the
 * source failed), and each member node's verified bytes, outcome and parents.
 */
public record TaskStatus(String taskId, String source, String expectedDigest, long size, String contentId, String failure,
                         List<Member> members) {
    public TaskStatus {
        members = List.copyOf(members);
    }

    /**
     * One node of the task; {@code success} and {@code message} are null until it reported its
     * result; {@code parents} are the nodes the scheduler has it download from (the seed aside).
     */
    public record Member(String nodeId, long verifiedBytes, boolean done, Boolean success, String message, List<String> parents) {
        public Member {
            parents = List.copyOf(parents);
        }
    }
}
