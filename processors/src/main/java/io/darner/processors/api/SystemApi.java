package io.darner.processors.api;

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

    public void audit(Exchange exchange) {
        int limit = Params.intParam(exchange, "limit", 100, 1, 1000);
        Views.reply(exchange, 200, Map.of("items", audit.latest(limit).stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", Views.time(e.at()));
            m.put("actor", e.actor());
            m.put("action", e.action());
            if (e.target() != null) m.put("target", e.target());
            m.put("outcome", e.outcome());
            if (e.detail() != null) m.put("detail", e.detail());
            return m;
        }).toList()));
    }
}
