package io.darner.processors.api;

import io.darner.processors.ApiException;
import io.darner.processors.Json;
import io.darner.processors.Props;
import io.darner.processors.store.AuditStore;
import io.darner.processors.store.Principal;
import io.darner.processors.store.UserStore;
import org.apache.camel.Exchange;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Password login (a session token) and named API tokens. */
public final class AuthApi {
    public record Login(String username, String password) {}

    public record TokenRequest(String name) {}

    static final Duration SESSION = Duration.ofHours(12);
    private final UserStore users;
    private final AuditStore audit;

    public AuthApi(UserStore users, AuditStore audit) {
        this.users = users;
        this.audit = audit;
    }

    public void login(Exchange exchange) {
        Login l = Json.read(exchange, Login.class);
        if (l.username() == null || l.username().isBlank()) throw ApiException.badRequest("username", "username is missing", "give your user name");
        if (l.password() == null || l.password().isEmpty()) throw ApiException.badRequest("password", "password is missing", "give your password");
        Principal p = users.login(l.username(), l.password()).orElse(null);
        if (p == null) {
            audit.record(l.username().length() > 64 ? l.username().substring(0, 64) : l.username(), "auth:login", null, "denied", "wrong user name or password");
            throw new ApiException(401, "password", "wrong user name or password", "check both; the first administrator's password is printed once at the server's first start");
        }
        exchange.setProperty(Props.PRINCIPAL, p);
        exchange.setProperty(Props.AUDIT_TARGET, "user/" + p.username());
        Views.reply(exchange, 200, token(users.issueToken(p.username(), "login", SESSION.toMillis()), p, SESSION));
    }

    public void issue(Exchange exchange) {
        TokenRequest r = Json.read(exchange, TokenRequest.class);
        if (r.name() == null || r.name().isBlank() || r.name().length() > 100) {
            throw ApiException.badRequest("name", "token name is missing or longer than 100 characters", "name the token after what uses it, e.g. \"ci-release\"");
        }
        Principal p = exchange.getProperty(Props.PRINCIPAL, Principal.class);
        exchange.setProperty(Props.AUDIT_TARGET, "user/" + p.username() + "/token/" + r.name());
        Views.reply(exchange, 201, token(users.issueToken(p.username(), r.name(), 0), p, null));
    }

    public void me(Exchange exchange) {
        Principal p = exchange.getProperty(Props.PRINCIPAL, Principal.class);
        Views.reply(exchange, 200, Map.of("username", p.username(), "role", p.role()));
    }

    private static Map<String, Object> token(String token, Principal p, Duration ttl) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("token", token);
        m.put("username", p.username());
        m.put("role", p.role());
        if (ttl != null) m.put("expiresInSeconds", ttl.toSeconds());
        return m;
    }
}
