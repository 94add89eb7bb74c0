package io.darner.processors.lifecycle;

import io.darner.processors.Props;
import io.darner.processors.store.AuditStore;
import io.darner.processors.store.Principal;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Step {@code audit}: the operation that just succeeded is recorded with its actor, tenant,
 * object, the token it came with and the caller's address. {@link #failure} records one that was
 * refused or failed (called by the error handler for changes and logins).
 */
public final class AuditProcessor implements Processor {
    private final AuditStore audit;

    public AuditProcessor(AuditStore audit) {
        this.audit = audit;
    }

    @Override
    public void process(Exchange exchange) {
        String action = action(exchange);
        if (action == null) return;
        Principal p = exchange.getProperty(Props.PRINCIPAL, Principal.class);
        Object finished = exchange.getProperty(VerifyProcessor.FINISHED);
        String detail = finished == null ? null : "state " + finished;
        if (p != null && p.tokenId() != null) detail = (detail == null ? "" : detail + "; ") + "token " + p.tokenId();
        audit.record(p == null ? "system" : p.username(), p == null ? exchange.getProperty(Props.TENANT, String.class) : p.tenant(), action,
                exchange.getProperty(Props.AUDIT_TARGET, String.class), "ok", detail, exchange.getProperty(Props.CLIENT, String.class));
        exchange.setProperty(Props.AUDITED, true);
    }

    /** Records a refused or failed change or login, once: {@code denied} (401, 403), {@code throttled} (429), {@code refused} (other 4xx), {@code error}. */
    public void failure(Exchange exchange, int status, String message) {
        if (Boolean.TRUE.equals(exchange.getProperty(Props.AUDITED, Boolean.class))) return;
        String action = action(exchange);
        if (action == null || action.endsWith(":read") || action.endsWith(":verify")) return;
        Principal p = exchange.getProperty(Props.PRINCIPAL, Principal.class);
        String actor = p != null ? p.username() : exchange.getProperty(Props.ACTOR, "anonymous", String.class);
        String outcome = status == 401 || status == 403 ? "denied" : status == 429 ? "throttled" : status < 500 ? "refused" : "error";
        String detail = status + " " + message + (p != null && p.tokenId() != null ? "; token " + p.tokenId() : "");
        audit.record(actor, p == null ? null : p.tenant(), action, exchange.getProperty(Props.AUDIT_TARGET, String.class), outcome, detail,
                exchange.getProperty(Props.CLIENT, String.class));
        exchange.setProperty(Props.AUDITED, true);
    }

    private static String action(Exchange exchange) {
        String action = exchange.getProperty(Props.AUDIT_ACTION, String.class);
        if (action == null) action = exchange.getProperty(Props.PERMISSION, String.class);
        return AuthenticateProcessor.PUBLIC.equals(action) ? null : action;
    }
}
