package io.darner.processors.api;

import io.darner.processors.ApiException;
import io.darner.processors.engine.Engine;
import io.darner.processors.store.AuditStore;
import org.apache.camel.Exchange;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Health, the nodes the supernodes see, and the audit log. */
public final class SystemApi {
    private final Engine engine;
    private final AuditStore audit;

    public SystemApi(Engine engine, AuditStore audit) {
        this.engine = engine;
        this.audit = audit;
    }

    public void health(Exchange exchange) {
        Views.reply(exchange, 200, Map.of("status", "UP", "rooms", engine.rooms()));
    }

    public void nodes(Exchange exchange) {
        List<Map<String, Object>> items = new java.util.ArrayList<>();
        for (String room : engine.rooms()) {
            for (String node : new java.util.TreeSet<>(engine.registeredNodes(room))) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", node);
                m.put("room", room);
                m.put("status", "ONLINE");
                items.add(m);
            }
        }
        Views.reply(exchange, 200, Map.of("items", items));
    }

    /** {@code GET /audit?actor=&action=&target=&from=&to=&page=&size=}: newest first; a tenant's users see their tenant's rows. */
    public void audit(Exchange exchange) {
        io.darner.processors.store.Principal p = exchange.getProperty(io.darner.processors.Props.PRINCIPAL, io.darner.processors.store.Principal.class);
        int size = Params.optional(exchange, "size") != null ? Params.intParam(exchange, "size", 100, 1, 1000) : Params.intParam(exchange, "limit", 100, 1, 1000);
        int page = Params.intParam(exchange, "page", 0, 0, 1_000_000);
        AuditStore.Query q = new AuditStore.Query(p == null || p.superAdmin() ? Params.optional(exchange, "tenant") : p.tenant(),
                text(exchange, "actor", 64), text(exchange, "action", 64), text(exchange, "target", 300), instant(exchange, "from"), instant(exchange, "to"));
        if (q.from() != null && q.to() != null && q.from() >= q.to()) throw ApiException.badRequest("to", "'to' is not after 'from'", "give a time range with from < to");
        AuditStore.Page result = audit.query(q, page, size);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", result.items().stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id());
            m.put("seq", e.seq());
            m.put("at", Views.time(e.at()));
            m.put("actor", e.actor());
            if (e.tenant() != null) m.put("tenant", e.tenant());
            m.put("action", e.action());
            if (e.target() != null) m.put("target", e.target());
            m.put("outcome", e.outcome());
            if (e.client() != null) m.put("client", e.client());
            if (e.detail() != null) m.put("detail", e.detail());
            return m;
        }).toList());
        body.put("page", page);
        body.put("size", size);
        body.put("total", result.total());
        Views.reply(exchange, 200, body);
    }

    /** {@code GET /audit/verify}: walks the hash chain; the first broken link if a row was altered or removed. */
    public void verify(Exchange exchange) {
        AuditStore.Verification v = audit.verify();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("intact", v.intact());
        body.put("rows", v.rows());
        if (!v.intact()) {
            Map<String, Object> broken = new LinkedHashMap<>();
            if (v.brokenId() != null) broken.put("id", v.brokenId());
            if (v.brokenSeq() != null) broken.put("seq", v.brokenSeq());
            broken.put("reason", v.reason());
            body.put("firstBroken", broken);
        }
        Views.reply(exchange, 200, body);
    }

    private static String text(Exchange exchange, String name, int max) {
        String v = Params.optional(exchange, name);
        if (v != null && v.length() > max) {
            throw ApiException.badRequest(name, name + " is longer than " + max + " characters", "give the exact " + name + " to look for (at most " + max + " characters)");
        }
        return v;
    }

    private static Long instant(Exchange exchange, String name) {
        String v = Params.optional(exchange, name);
        if (v == null) return null;
        try {
            return java.time.Instant.parse(v).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.badRequest(name, name + " '" + AuthApi.clip(v) + "' is not an ISO-8601 instant", "e.g. ?" + name + "=2026-11-26T00:00:00Z");
        }
    }
}
