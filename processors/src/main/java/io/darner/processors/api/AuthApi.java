package io.darner.processors.api;

import io.darner.processors.ApiException;
import io.darner.processors.Json;
import io.darner.processors.Props;
import io.darner.processors.store.Principal;
import io.darner.processors.store.Roles;
import io.darner.processors.store.UserStore;
import org.apache.camel.Exchange;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Password login (a session token, throttled after repeated failures) and API tokens: scoped, expiring, revocable, shown once. */
public final class AuthApi {
    public record Login(String username, String password) {}

    /** {@code POST /auth/tokens}: scopes are permission patterns (default: all the user may do); expiry optional. */
    public record TokenRequest(String name, List<String> scopes, String expiresAt, Long expiresInDays) {}

    static final Duration SESSION = Duration.ofHours(12);
    private final UserStore users;

    public AuthApi(UserStore users) {
        this.users = users;
    }

    /** @deprecated the audit store is no longer needed here: refused logins are audited by the error handler */
    @Deprecated
    public AuthApi(UserStore users, io.darner.processors.store.AuditStore audit) {
        this(users);
    }

    public void login(Exchange exchange) {
        Login l = Json.read(exchange, Login.class);
        if (l.username() == null || l.username().isBlank()) throw ApiException.badRequest("username", "username is missing", "give your user name");
        exchange.setProperty(Props.ACTOR, l.username().length() > 64 ? l.username().substring(0, 64) : l.username());
        exchange.setProperty(Props.AUDIT_TARGET, "user/" + exchange.getProperty(Props.ACTOR));
        if (l.password() == null || l.password().isEmpty()) throw ApiException.badRequest("password", "password is missing", "give your password");
        if (l.username().length() > 64 || l.password().length() > 200) {
            users.login(l.username(), ""); // counts as a failure like any other
            throw new ApiException(401, "password", "wrong user name or password", "check both; user names have at most 64 characters");
        }
        UserStore.LoginResult result = users.login(l.username(), l.password());
        if (result instanceof UserStore.Locked locked) {
            throw ApiException.tooManyRequests("username", "too many failed logins for user " + l.username() + "; logins are refused for "
                    + locked.secondsLeft() + " more seconds", "wait " + locked.secondsLeft() + " seconds, then log in with the right password");
        }
        if (result instanceof UserStore.Refused refused) {
            if (refused.disabled()) throw new ApiException(401, "username", "user " + l.username() + " is disabled", "ask an administrator to enable it");
            throw new ApiException(401, "password", "wrong user name or password", "check both; the first administrator's password is printed once at the server's first start");
        }
        Principal p = ((UserStore.LoggedIn) result).principal();
        exchange.setProperty(Props.PRINCIPAL, p);
        long expires = System.currentTimeMillis() + SESSION.toMillis();
        UserStore.Issued issued = users.issueToken(p.username(), "login", null, expires);
        Views.reply(exchange, 200, token(issued, p, SESSION));
    }

    public void issue(Exchange exchange) {
        TokenRequest r = Json.read(exchange, TokenRequest.class);
        if (r.name() == null || r.name().isBlank() || r.name().length() > 100) {
            throw ApiException.badRequest("name", "token name is missing or longer than 100 characters", "name the token after what uses it, e.g. \"ci-release\"");
        }
        Principal p = exchange.getProperty(Props.PRINCIPAL, Principal.class);
        exchange.setProperty(Props.AUDIT_TARGET, "user/" + p.username() + "/token/" + r.name());
        Set<String> scopes = null;
        if (r.scopes() != null) {
            if (r.scopes().isEmpty() || r.scopes().size() > 50) throw ApiException.badRequest("scopes", "scopes must list 1 to 50 permissions", "e.g. [\"task:read\", \"task:create\"], or leave it out for all you may do");
            scopes = new LinkedHashSet<>();
            for (int i = 0; i < r.scopes().size(); i++) {
                String s = r.scopes().get(i);
                String why = Roles.invalid(s);
                if (why != null) throw ApiException.badRequest("scopes[" + i + "]", "scope '" + clip(s) + "' " + why, "use resource:action, e.g. task:read; resources " + Roles.RESOURCES + ", actions " + Roles.ACTIONS + ", or *");
                scopes.add(s);
            }
        }
        if (p.scopes() != null) { // a scoped token cannot make a wider one
            if (scopes == null) scopes = new LinkedHashSet<>(p.scopes());
            for (String s : scopes) {
                if (p.scopes().stream().noneMatch(held -> Roles.covers(held, s) || held.equals(s))) {
                    throw ApiException.forbidden("this token (scopes " + p.scopes() + ") may not make a token with scope " + s, "ask only for scopes within " + p.scopes());
                }
            }
        }
        Long expiresAt = null;
        long now = System.currentTimeMillis();
        if (r.expiresAt() != null && r.expiresInDays() != null) throw ApiException.badRequest("expiresAt", "give expiresAt or expiresInDays, not both", "leave one out");
        if (r.expiresAt() != null) {
            try {
                expiresAt = Instant.parse(r.expiresAt()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("expiresAt", "expiresAt '" + clip(r.expiresAt()) + "' is not an ISO-8601 instant", "e.g. 2027-01-01T00:00:00Z");
            }
            if (expiresAt <= now) throw ApiException.badRequest("expiresAt", "expiresAt is in the past", "give a time in the future, or leave it out for a token that does not expire");
        }
        if (r.expiresInDays() != null) {
            if (r.expiresInDays() < 1 || r.expiresInDays() > 3650) throw ApiException.badRequest("expiresInDays", "expiresInDays must be 1 to 3650", "e.g. 90");
            expiresAt = now + Duration.ofDays(r.expiresInDays()).toMillis();
        }
        UserStore.Issued issued = users.issueToken(p.username(), r.name(), scopes, expiresAt);
        Views.reply(exchange, 201, token(issued, p, null));
    }

    public void listTokens(Exchange exchange) {
        Principal p = exchange.getProperty(Props.PRINCIPAL, Principal.class);
        String user = Params.optional(exchange, "username");
        if (user != null && !p.superAdmin() && !user.equals(p.username())) user = p.username(); // others' tokens: only the super administrator
        Views.reply(exchange, 200, Map.of("items", users.tokens(user == null ? p.username() : user).stream().map(AuthApi::tokenView).toList()));
    }

    public void revoke(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        exchange.setProperty(Props.AUDIT_TARGET, "token/" + id);
        if (!users.revoke(id)) throw ApiException.conflict("id", "token " + id + " is revoked already", "nothing to do");
        Json.noContent(exchange);
    }

    public void me(Exchange exchange) {
        Principal p = exchange.getProperty(Props.PRINCIPAL, Principal.class);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("username", p.username());
        m.put("tenant", p.tenant());
        m.put("role", p.role());
        m.put("roles", Views.grants(p.grants()));
        if (p.scopes() != null) m.put("scopes", p.scopes());
        if (p.tokenId() != null) m.put("tokenId", p.tokenId());
        Views.reply(exchange, 200, m);
    }

    static Map<String, Object> tokenView(UserStore.Token t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("username", t.username());
        m.put("name", t.name());
        if (t.scopes() != null) m.put("scopes", t.scopes());
        m.put("createdAt", Views.time(t.createdAt()));
        if (t.expiresAt() != null) m.put("expiresAt", Views.time(t.expiresAt()));
        if (t.revokedAt() != null) m.put("revokedAt", Views.time(t.revokedAt()));
        return m;
    }

    private static Map<String, Object> token(UserStore.Issued issued, Principal p, Duration ttl) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("token", issued.token());
        m.put("id", issued.info().id());
        m.put("username", p.username());
        m.put("tenant", p.tenant());
        m.put("role", p.role());
        if (issued.info().scopes() != null) m.put("scopes", issued.info().scopes());
        if (ttl != null) m.put("expiresInSeconds", ttl.toSeconds());
        if (issued.info().expiresAt() != null) m.put("expiresAt", Views.time(issued.info().expiresAt()));
        return m;
    }

    static String clip(String s) {
        return s == null || s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
