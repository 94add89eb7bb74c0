package io.darner.agent.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.darner.agent.daemon.ApiEvents;
import io.darner.agent.daemon.FailureKind;
import io.darner.agent.daemon.Json;
import io.darner.engine.manifest.ContentDigest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.stream.Stream;

/** {@code darner get} through a local agent's control API. */
final class AgentClient {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    /** How a fetch through the agent ended; {@code contentId} and {@code size} are set on success. */
    record Outcome(String contentId, long size, boolean fromSource) {}

    /** Progress callback: verified bytes, total (-1 until known) and connected peers. */
    interface Listener {
        void progress(long bytes, long size, int peers);
    }

    private final URI base;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(PROBE_TIMEOUT).build();

    AgentClient(InetSocketAddress agent) {
        String host = agent.getAddress().getHostAddress();
        this.base = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + agent.getPort());
    }

    URI base() {
        return base;
    }

    /** The HTTP status of the agent's /readyz (200: joined a supernode), or -1 when nothing answers. */
    int probe() {
        try {
            HttpRequest probe = HttpRequest.newBuilder(base.resolve("/readyz")).timeout(PROBE_TIMEOUT).GET().build();
            return client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    Outcome get(String url, Path output, ContentDigest digest, Listener listener) throws GetFailure {
        String body = Json.write(new ApiEvents.GetRequest(url, output.toAbsolutePath().normalize().toString(),
                digest == null ? null : digest.toString()));
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/get"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<Stream<String>> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new GetFailure(ExitCodes.FAILED, "agent at " + base + " did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GetFailure(ExitCodes.FAILED, "interrupted", e);
        }
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() != 200) throw refused(response.statusCode(), String.join("\n", lines.toList()));
            return follow(lines.iterator(), listener);
        } catch (java.io.UncheckedIOException e) {
            throw new GetFailure(ExitCodes.FAILED, "lost the agent at " + base + " while the task ran: " + e.getCause(), e);
        }
    }

    private Outcome follow(Iterator<String> lines, Listener listener) throws GetFailure {
        while (lines.hasNext()) {
            JsonNode event = parse(lines.next());
            if ("progress".equals(event.path("event").asText())) {
                listener.progress(event.path("bytes").asLong(), event.path("size").asLong(-1), event.path("peers").asInt());
            } else if ("result".equals(event.path("event").asText())) {
                if (event.path("success").asBoolean()) {
                    return new Outcome(event.path("contentId").asText(), event.path("size").asLong(), event.path("fromSource").asBoolean());
                }
                FailureKind kind = FailureKind.ofLabel(event.path("kind").asText());
                throw new GetFailure(ExitCodes.of(kind), event.path("message").asText("the agent reported a failure"));
            }
        }
        throw new GetFailure(ExitCodes.FAILED, "the agent at " + base + " ended the stream before the task ended");
    }

    private GetFailure refused(int status, String body) {
        JsonNode error;
        try {
            error = Json.MAPPER.readTree(body);
        } catch (JacksonException e) {
            return new GetFailure(ExitCodes.FAILED, "agent at " + base + " answered HTTP " + status + ": " + body);
        }
        String message = error.path("error").asText("HTTP " + status);
        return new GetFailure(ExitCodes.of(FailureKind.ofLabel(error.path("kind").asText())), "agent refused: " + message);
    }

    private JsonNode parse(String line) throws GetFailure {
        try {
            return Json.MAPPER.readTree(line);
        } catch (JacksonException e) {
            throw new GetFailure(ExitCodes.FAILED, "agent at " + base + " sent an unreadable event: " + line);
        }
    }
}
