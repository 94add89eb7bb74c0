package io.darner.processors.lifecycle;

import io.darner.processors.ApiException;
import io.darner.processors.Props;
import io.darner.processors.store.AuditStore;
import io.darner.processors.store.Principal;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Step {@code authorize}: the principal must hold the operation's permission (through its roles,
 * within its token's scopes); when the path names an object, the object must be of the caller's
 * tenant (another tenant's object answers 404, as one that does not exist; the super
 * administrator sees all) and, for a task or a cluster, within the clusters the caller's role is
 * limited to. A refusal (403) is audited here.
 */
public final class AuthorizeProcessor implements Processor {
    private final AuditStore audit;
    private final Owners owners;

    public AuthorizeProcessor(AuditStore audit) {
        this(audit, null);
    }

    public AuthorizeProcessor(AuditStore audit, Owners owners) {
        this.audit = audit;
        this.owners = owners;
    }

    @Override
    public void process(Exchange exchange) {
        String permission = exchange.getProperty(Props.PERMISSION, String.class);
        if (AuthenticateProcessor.PUBLIC.equals(permission)) return;
        Principal p = exchange.getProperty(Props.PRINCIPAL, Principal.class);
        if (p == null) throw ApiException.unauthorized("no credentials were sent");
        if (permission == null) throw new IllegalStateException("route sets no permission for this operation");
        if (!p.can(permission)) {
            boolean scoped = p.scopes() != null && !io.darner.processors.store.Roles.coveredBy(p.scopes(), permission);
            throw denied(exchange, p, permission, "user " + p.username() + " (role " + p.role() + ") may not " + permission
                            + (scoped ? " with this token (scopes " + p.scopes() + ")" : ""),
                    scoped ? "use a token whose scopes include " + permission : "ask an administrator for a role that grants " + permission);
        }
        String resource = exchange.getProperty(Props.RESOURCE, String.class);
        if (resource == null || owners == null) return;
        Owners.Owner owner = owners.owner(resource, exchange, p); // 404 if missing or another tenant's
        if (owner.scoped() && !p.can(permission, owner.cluster())) {
            String where = owner.cluster() == null ? "on an explicit node list" : "on cluster " + owner.cluster();
            throw denied(exchange, p, permission, "user " + p.username() + " (role " + p.role() + ") may not " + permission + " " + where,
                    "ask an administrator for a role that grants " + permission + " " + where);
        }
    }

    private ApiException denied(Exchange exchange, Principal p, String permission, String message, String fix) {
        audit.record(p.username(), p.tenant(), permission, exchange.getProperty(Props.AUDIT_TARGET, String.class), "denied",
                "role " + p.role() + (p.tokenId() == null ? "" : "; token " + p.tokenId()), exchange.getProperty(Props.CLIENT, String.class));
        exchange.setProperty(Props.AUDITED, true);
        return ApiException.forbidden(message, fix);
    }
}
