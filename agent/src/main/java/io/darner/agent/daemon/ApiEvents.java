package io.darner.agent.daemon;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.darner.engine.api.TaskProgress;
import io.darner.engine.api.TaskResult;

import java.util.List;

/** The JSON shapes of the agent's control API (POST /api/v1/get streams Progress lines, then one Result). */
public final class ApiEvents {
    private ApiEvents() {
    }

    /** The request body of POST /api/v1/get; {@code output} is an absolute path, {@code digest} may be null. */
    public record GetRequest(String url, String output, String digest) {}

    public record Progress(String event, long bytes, long size, int peers) {
        public static Progress of(TaskProgress p) {
            return new Progress("progress", p.verifiedBytes(), p.size(), p.parents());
        }
    }

    /**
     * {@code kind} is a {@link FailureKind} label, null on success. {@code receivedBytes}: piece bytes
     * this run fetched over the network (peers, seed or source); {@code reusedBytes}: bytes it found
     * already verified in the piece store (a resumed or cached content).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(String event, String taskId, boolean success, String message, String contentId,
                         long size, boolean fromSource, String kind, long receivedBytes, long reusedBytes) {
        public static Result of(TaskResult r) {
            String kind = r.success() ? null : FailureKind.ofMessage(r.message()).label();
            TaskResult.TransferStats st = r.stats() == null ? TaskResult.TransferStats.NONE : r.stats();
            return new Result("result", r.taskId(), r.success(), r.message(), r.contentId(), r.size(), r.fromSource(), kind,
                    st.receivedBytes(), st.reusedBytes());
        }

        public static Result failed(String taskId, String message) {
            return new Result("result", taskId, false, message, null, -1, false, FailureKind.OTHER.label(), 0, 0);
        }
    }

    /** The body of every non-200 answer. {@code allowed} is set on 403 (the directories the agent may write). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Error(String error, String kind, List<String> allowed) {
        public Error(String error, FailureKind kind) {
            this(error, kind.label(), null);
        }
    }
}
