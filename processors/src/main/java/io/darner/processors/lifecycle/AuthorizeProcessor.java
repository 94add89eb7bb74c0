package io.darner.processors.lifecycle;

import io.darner.processors.ApiException;
import io.darner.processors.Props;
import io.darner.processors.store.AuditStore;
import io.darner.processors.store.Principal;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Step {@code authorize}: the principal must hold the operation's permission; a refusal is audited. */
public final class AuthorizeProcessor implements Processor {
    private final AuditStore audit;

    public AuthorizeProcessor(AuditStore audit) {
        this.audit = audit;
    }

    @Override
    public void process(Exchange exchange) {
        String permission = exchange.getProperty(Props.PERMISSION, String.class);
        if (AuthenticateProcessor.PUBLIC.equals(permission)) return;
        Principal p = exchange.getProperty(Props.PRINCIPAL, Principal.class);
        if (p == null) throw ApiException.unauthorized("no credentials were sent");
        if (permission == null) throw new IllegalStateException("route sets no permission for this operation");
        if (!p.can(permission)) {
            audit.record(p.username(), permission, exchange.getProperty(Props.AUDIT_TARGET, String.class), "denied", "role " + p.role());
            throw ApiException.forbidden("user " + p.username() + " (role " + p.role() + ") may not " + permission,
                    "ask an administrator for a role that grants " + permission);
        }
    }
}
