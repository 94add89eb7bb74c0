package io.darner.processors.lifecycle;

import io.darner.processors.Props;
import io.darner.processors.store.AuditStore;
import io.darner.processors.store.Principal;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Step {@code audit}: the operation that just succeeded is recorded with its actor and object. */
public final class AuditProcessor implements Processor {
    private final AuditStore audit;

    public AuditProcessor(AuditStore audit) {
        this.audit = audit;
    }

    @Override
    public void process(Exchange exchange) {
        String action = exchange.getProperty(Props.AUDIT_ACTION, String.class);
        if (action == null) action = exchange.getProperty(Props.PERMISSION, String.class);
        if (action == null) return;
        Principal p = exchange.getProperty(Props.PRINCIPAL, Principal.class);
        Object finished = exchange.getProperty(VerifyProcessor.FINISHED);
        audit.record(p == null ? "system" : p.username(), action, exchange.getProperty(Props.AUDIT_TARGET, String.class), "ok",
                finished == null ? null : "state " + finished);
    }
}
