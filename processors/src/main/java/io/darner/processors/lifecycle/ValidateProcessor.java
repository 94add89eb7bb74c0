package io.darner.processors.lifecycle;

import io.darner.engine.manifest.ContentDigest;
import io.darner.engine.rate.Rate;
import io.darner.engine.source.Sources;
import io.darner.processors.ApiException;
import io.darner.processors.Json;
import io.darner.processors.Props;
import io.darner.processors.store.ClusterStore.NodeRef;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Step {@code validate}: the task request is checked field by field; the first fault is a 400
 * naming the field and the fix. Nothing is written by this step.
 */
public final class ValidateProcessor implements Processor {
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
    public static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
    /** name@version; no '/' in a name: GET and DELETE /api/v1/files/{name}/{version} could not address it. */
    public static final Pattern FILE_REF = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]{0,127})@([A-Za-z0-9][A-Za-z0-9._+-]{0,63})");
    /** Longest source URL (the store's column). */
    public static final int MAX_URL = 2048;
    /** Clock skew tolerated on a start time. */
    private static final long PAST_TOLERANCE_MS = 5_000;
    /** 400 Gbit/s: a per-task limit above any node link is a mistake. */
    static final long MAX_RATE = 50_000_000_000L;
    private final String defaultRoom;
    private final FileSources fileSources;

    public ValidateProcessor(String defaultRoom, FileSources fileSources) {
        this.defaultRoom = defaultRoom;
        this.fileSources = fileSources;
    }

    @Override
    public void process(Exchange exchange) {
        TaskRequest r = Json.read(exchange, TaskRequest.class);
        exchange.setProperty(Props.DRAFT, validate(r));
    }

    TaskDraft validate(TaskRequest r) {
        if ((r.source() == null) == (r.file() == null)) {
            throw ApiException.badRequest("source", "give exactly one of 'source' (a URL) and 'file' (name@version)",
                    "set 'source' to an http(s):// or file:// URL, or 'file' to a registered file version such as app@1.2");
        }
        String source = null;
        if (r.source() != null) source = source(r.source());
        if (r.file() != null && !FILE_REF.matcher(r.file()).matches()) {
            throw ApiException.badRequest("file", "file '" + r.file() + "' is not of the form name@version", "e.g. \"file\": \"app-package@1.4.2\"");
        }
        if ((r.cluster() == null) == (r.nodes() == null)) {
            throw ApiException.badRequest("cluster", "give exactly one of 'cluster' and 'nodes'",
                    "set 'cluster' to a cluster name, or 'nodes' to a list like [{\"id\": \"node-1\", \"room\": \"r1\"}]");
        }
        if (r.cluster() != null && !NAME.matcher(r.cluster()).matches()) {
            throw ApiException.badRequest("cluster", "cluster name '" + r.cluster() + "' is not valid", "use letters, digits, '.', '_', ':' or '-' (at most 64)");
        }
        List<NodeRef> nodes = new ArrayList<>();
        if (r.nodes() != null) {
            if (r.nodes().isEmpty()) throw ApiException.badRequest("nodes", "the node list is empty", "name at least one node, or use 'cluster'");
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < r.nodes().size(); i++) {
                TaskRequest.NodeInput n = r.nodes().get(i);
                String field = "nodes[" + i + "]";
                if (n == null || n.id() == null || !NODE_ID.matcher(n.id()).matches()) {
                    throw ApiException.badRequest(field + ".id", "node id is missing or not valid", "use the agent's --node-id: letters, digits, '.', '_', ':', '@' or '-'");
                }
                String room = n.room() == null ? defaultRoom : n.room();
                if (!NAME.matcher(room).matches()) throw ApiException.badRequest(field + ".room", "room '" + room + "' is not valid", "use letters, digits, '.', '_', ':' or '-'");
                if (!seen.add(n.id())) throw ApiException.badRequest(field + ".id", "node " + n.id() + " is listed twice", "list each node once");
                nodes.add(new NodeRef(n.id(), room));
            }
        }
        String target = target(r.target());
        String digest = null;
        if (r.digest() != null) {
            try {
                digest = ContentDigest.parse(r.digest()).toString();
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("digest", "digest '" + r.digest() + "' is not 'sha256:' followed by 64 hex digits", "e.g. sha256:9f86d081884c7d65…; or leave it out");
            }
        }
        Long rate = rate(r.rate());
        Long startAt = null;
        if (r.startAt() != null) {
            try {
                startAt = Instant.parse(r.startAt()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("startAt", "startAt '" + r.startAt() + "' is not an ISO-8601 instant", "e.g. 2026-12-01T02:00:00Z; or leave it out to start now");
            }
            if (startAt < System.currentTimeMillis() - PAST_TOLERANCE_MS) {
                throw ApiException.badRequest("startAt", "startAt " + r.startAt() + " is in the past", "give a future time, or leave it out to start now");
            }
        }
        if (source != null) fileSources.check(source, "source"); // last: the request's form is reported first
        return new TaskDraft(source, r.file(), digest, target, r.cluster(), nodes, rate, startAt, null);
    }

    /** A source URL the engine can fetch and the store can hold, or a 400 naming 'source'. */
    public static String source(String url) {
        if (url.length() > MAX_URL) {
            throw ApiException.badRequest("source", "source is longer than " + MAX_URL + " characters", "use a shorter URL");
        }
        try {
            Sources.of(url);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("source", e.getMessage(), "use an absolute http://, https:// or file:// URL");
        }
        return url;
    }

    private static String target(String t) {
        if (t == null || t.isBlank()) throw ApiException.badRequest("target", "target is missing", "give the absolute path each node writes, e.g. /opt/app/app.tar");
        if (!t.startsWith("/")) throw ApiException.badRequest("target", "target '" + t + "' is not an absolute path", "start it with /");
        if (t.length() > 1024 || t.indexOf('\0') >= 0) throw ApiException.badRequest("target", "target is too long or has a NUL character", "use a path of at most 1024 characters");
        for (String part : t.split("/")) {
            if (part.equals("..") || part.equals(".")) throw ApiException.badRequest("target", "target '" + t + "' has a '" + part + "' segment", "give the path without '.' or '..'");
        }
        if (t.endsWith("/")) throw ApiException.badRequest("target", "target '" + t + "' names a directory", "name the file, e.g. " + t + "app.tar");
        return t;
    }

    /**
     * A rate given as bytes per second or as a text like "50MB/s", in {@code (0, 400Gbit/s]};
     * null if absent; a 400 naming {@code field} otherwise.
     */
    public static Long rate(Object rate, String field) {
        if (rate == null) return null;
        long bytes = parseRate(rate, field);
        if (bytes > MAX_RATE) throw absurd(rate, field);
        return bytes;
    }

    private static Long rate(Object rate) {
        return rate(rate, "rate");
    }

    private static ApiException absurd(Object rate, String field) {
        return ApiException.badRequest(field, field + " " + rate + " is above 400Gbit/s, more than any node link carries",
                "give a real limit such as \"50MB/s\", or leave it out for no limit");
    }

    private static long parseRate(Object rate, String field) {
        try {
            if (rate instanceof Number n) {
                // exactly as sent: a JSON integer beyond long arrives as a BigInteger, whose longValue() keeps only the low 64 bits
                BigDecimal exact = new BigDecimal(n.toString());
                if (exact.stripTrailingZeros().scale() > 0) throw new IllegalArgumentException(field + " " + n + " is not a whole number of bytes per second");
                if (exact.compareTo(BigDecimal.valueOf(MAX_RATE)) > 0) throw absurd(rate, field);
                return Rate.parse(exact.toBigInteger().toString()).bytesPerSecond();
            }
            if (rate instanceof String s) return Rate.parse(s).bytesPerSecond();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field, e.getMessage(), "give bytes per second, or a text like \"50MB/s\" or \"400Mbit/s\"");
        }
        throw ApiException.badRequest(field, field + " must be a number or a text", "give bytes per second, or a text like \"50MB/s\"");
    }
}
