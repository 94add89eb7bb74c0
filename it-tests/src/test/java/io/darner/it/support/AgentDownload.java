package io.darner.it.support;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * One download through an agent's control API (POST /api/v1/get), followed on a thread of its
 * own: {@link #bytes()} is the verified bytes of the latest progress line, {@link #result()}
 * the final result line (or an {@code {"event":"lost"}} node when the stream broke, e.g.
 * because the agent was killed).
 */
public final class AgentDownload {
    private final AtomicLong bytes = new AtomicLong();
    private final CompletableFuture<JsonNode> result = new CompletableFuture<>();
    private final String agent;

    private AgentDownload(String agent) {
        this.agent = agent;
    }

    public static AgentDownload start(String controlAuthority, String url, Path output, String digest) {
        AgentDownload d = new AgentDownload(controlAuthority);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", url);
        body.put("output", output.toAbsolutePath().toString());
        body.put("digest", digest);
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(Http.uri(controlAuthority, "/api/v1/get")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Http.JSON.writeValueAsString(body))).build();
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        Thread t = new Thread(() -> d.follow(request), "it-download-" + controlAuthority);
        t.setDaemon(true);
        t.start();
        return d;
    }

    private void follow(HttpRequest request) {
        try {
            HttpResponse<Stream<String>> r = Http.client().send(request, HttpResponse.BodyHandlers.ofLines());
            try (Stream<String> lines = r.body()) {
                if (r.statusCode() != 200) {
                    result.complete(Http.JSON.createObjectNode().put("event", "refused").put("status", r.statusCode())
                            .put("message", String.join("\n", lines.toList())));
                    return;
                }
                for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                    JsonNode e = Http.JSON.readTree(it.next());
                    if ("progress".equals(e.path("event").asText())) {
                        bytes.set(e.path("bytes").asLong());
                    } else if ("result".equals(e.path("event").asText())) {
                        result.complete(e);
                        return;
                    }
                }
            }
            result.complete(lost("stream ended without a result"));
        } catch (IOException | RuntimeException e) {
            result.complete(lost(e.toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.complete(lost("interrupted"));
        }
    }

    private static JsonNode lost(String why) {
        return Http.JSON.createObjectNode().put("event", "lost").put("message", why);
    }

    /** Verified bytes so far, as the agent last reported. */
    public long bytes() {
        return bytes.get();
    }

    public CompletableFuture<JsonNode> result() {
        return result;
    }

    /** The result line, waiting at most {@code timeout}. */
    public JsonNode awaitResult(Duration timeout) {
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no result from the agent at " + agent + " within " + timeout.toSeconds() + " s (at " + bytes() + " bytes)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
