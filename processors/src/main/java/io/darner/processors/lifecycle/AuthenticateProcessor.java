package io.darner.processors.lifecycle;

import io.darner.processors.ApiException;
import io.darner.processors.Props;
import io.darner.processors.store.Principal;
import io.darner.processors.store.UserStore;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Step {@code authenticate}: the caller's bearer token becomes a {@link Principal} (its user,
 * tenant, roles and the token's scopes), or the call is refused with 401 saying why (unknown,
 * expired, revoked, user disabled). The caller's address is kept for the audit trail.
 */
public final class AuthenticateProcessor implements Processor {
    /** Permission value for operations anyone may call (health, login). */
    public static final String PUBLIC = "public";
    private final UserStore users;

    public AuthenticateProcessor(UserStore users) {
        this.users = users;
    }

    @Override
    public void process(Exchange exchange) {
        Object client = exchange.getMessage().removeHeader(Props.CLIENT_HEADER);
        if (client != null && exchange.getProperty(Props.CLIENT) == null) exchange.setProperty(Props.CLIENT, client.toString());
        if (PUBLIC.equals(exchange.getProperty(Props.PERMISSION, String.class))) return;
        if (exchange.getProperty(Props.PRINCIPAL) != null) return; // an internal call already authenticated
        String header = exchange.getMessage().getHeader("Authorization", String.class);
        exchange.getMessage().removeHeader("Authorization");
        if (header == null || header.isBlank()) throw ApiException.unauthorized("no credentials were sent");
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) throw ApiException.unauthorized("only bearer tokens are accepted");
        String token = header.substring(7).trim();
        if (token.length() > 200 || !token.matches("[A-Za-z0-9_\\-]+")) throw ApiException.unauthorized("the bearer token is malformed");
        UserStore.TokenCheck check = users.checkToken(token);
        if (check instanceof UserStore.Invalid invalid) throw ApiException.unauthorized(invalid.reason());
        exchange.setProperty(Props.PRINCIPAL, ((UserStore.Valid) check).principal());
    }
}
