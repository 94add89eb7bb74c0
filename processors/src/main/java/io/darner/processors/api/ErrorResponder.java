package io.darner.processors.api;

import io.darner.processors.ApiException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a failure into the API's error body: {@code {"status", "error", "field", "fix"}}. A
 * refused request is the client's to fix (4xx, logged at debug); anything else is ours (500,
 * logged with its stack trace, and the body says so without leaking internals).
 */
public final class ErrorResponder implements Processor {
    private static final Logger log = LoggerFactory.getLogger(ErrorResponder.class);

    @Override
    public void process(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Map<String, Object> body = new LinkedHashMap<>();
        int status;
        if (e instanceof ApiException a) {
            status = a.status();
            body.put("status", status);
            body.put("error", a.getMessage());
            if (a.field() != null) body.put("field", a.field());
            if (a.fix() != null) body.put("fix", a.fix());
            log.debug("route {}: refused with {}: {}", exchange.getFromRouteId(), status, a.getMessage());
        } else {
            status = 500;
            body.put("status", status);
            // the message stays in the log: it may carry SQL, paths or other internals
            body.put("error", "internal error" + (e == null ? "" : " (" + e.getClass().getSimpleName() + ")"));
            body.put("fix", "this is a fault of the server, not of the request; the server log has the details");
            log.error("route {} failed", exchange.getFromRouteId(), e);
        }
        Views.reply(exchange, status, body);
    }
}
