package io.darner.processors.store;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Users of tenants (password hashes by BCrypt, roles granted, disabled or not), their bearer
 * tokens (stored as SHA-256 only; scoped, expiring, revocable) and failed-login throttling.
 */
public final class UserStore {
    public record User(String username, String tenant, boolean disabled, List<Principal.Grant> grants, long createdAt, Long updatedAt) {}

    public record Token(String id, String username, String name, Set<String> scopes, long createdAt, Long expiresAt, Long revokedAt) {}

    /** What a login attempt came to. */
    public sealed interface LoginResult {}

    public record LoggedIn(Principal principal) implements LoginResult {}

    public record Refused(boolean disabled) implements LoginResult {}

    public record Locked(long secondsLeft) implements LoginResult {}

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String DUMMY_HASH = "$2a$10$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Z3bcNQt1BQnFM8LSeeJmQb6a";
    private final Db db;
    private final RightsStore rights;
    private final PasswordEncoder encoder = new BCryptPasswordEncoder();
    private volatile int maxFailures = 5;
    private volatile Duration lockout = Duration.ofMinutes(15);

    public UserStore(Db db) {
        this(db, new RightsStore(db));
    }

    public UserStore(Db db, RightsStore rights) {
        this.db = db;
        this.rights = rights;
    }

    /** After {@code maxFailures} failed logins in a row a user name is locked for {@code lockout}. */
    public UserStore throttle(int maxFailures, Duration lockout) {
        this.maxFailures = maxFailures;
        this.lockout = lockout;
        return this;
    }

    public RightsStore rights() {
        return rights;
    }

    public long count() {
        return db.jdbc().queryForObject("select count(*) from users", Long.class);
    }

    /** A user of the default tenant with one built-in role ({@code admin} is the super administrator). */
    public void create(String username, String password, String role) {
        create(username, password, Principal.DEFAULT_TENANT, List.of(new Principal.Grant(Roles.canonical(role), Set.of(), null)));
    }

    /** A new user with its grants, in one transaction. */
    public void create(String username, String password, String tenant, List<Principal.Grant> grants) {
        db.inTransaction(() -> {
            db.jdbc().update("insert into users (username, password_hash, role, created_at, tenant, disabled) values (?, ?, ?, ?, ?, ?)",
                    username, encoder.encode(password), grants.isEmpty() ? "none" : grants.get(0).role(), System.currentTimeMillis(), tenant, false);
            writeGrants(username, grants);
        });
    }

    /** Changes what is given (null: unchanged); false if the user does not exist. */
    public boolean update(String username, String password, Boolean disabled, List<Principal.Grant> grants) {
        return db.inTransaction(() -> {
            if (db.jdbc().update("update users set updated_at = ? where username = ?", System.currentTimeMillis(), username) == 0) return false;
            if (password != null) db.jdbc().update("update users set password_hash = ? where username = ?", encoder.encode(password), username);
            if (disabled != null) db.jdbc().update("update users set disabled = ? where username = ?", disabled, username);
            if (grants != null) {
                db.jdbc().update("delete from user_roles where username = ?", username);
                writeGrants(username, grants);
                db.jdbc().update("update users set role = ? where username = ?", grants.isEmpty() ? "none" : grants.get(0).role(), username);
            }
            return true;
        });
    }

    public boolean delete(String username) {
        return db.inTransaction(() -> {
            db.jdbc().update("delete from api_tokens where username = ?", username);
            db.jdbc().update("delete from user_roles where username = ?", username);
            return db.jdbc().update("delete from users where username = ?", username) > 0;
        });
    }

    public Optional<User> find(String username) {
        return users(" where username = ?", username).stream().findFirst();
    }

    /** Users of {@code tenant} (null: all), by name. */
    public List<User> list(String tenant) {
        return tenant == null ? users("") : users(" where tenant = ?", tenant);
    }

    public long countInTenant(String tenant) {
        return db.jdbc().queryForObject("select count(*) from users where tenant = ?", Long.class, tenant);
    }

    private List<User> users(String where, Object... args) {
        List<User> out = new ArrayList<>();
        db.jdbc().query("select username, tenant, disabled, created_at, updated_at from users" + where + " order by username", rs -> {
            out.add(new User(rs.getString(1), rs.getString(2), rs.getBoolean(3), new ArrayList<>(), rs.getLong(4), rs.getObject(5, Long.class)));
        }, args);
        for (int i = 0; i < out.size(); i++) {
            User u = out.get(i);
            out.set(i, new User(u.username(), u.tenant(), u.disabled(), grants(u.username(), u.tenant()), u.createdAt(), u.updatedAt()));
        }
        return out;
    }

    private void writeGrants(String username, List<Principal.Grant> grants) {
        for (Principal.Grant g : grants) {
            db.jdbc().update("insert into user_roles (username, role, clusters) values (?, ?, ?)", username, g.role(), RightsStore.join(g.clusters()));
        }
    }

    /** The user's grants with each role's permissions (built-in, or its tenant's custom role; a grant's own cluster limit narrows the role's). */
    List<Principal.Grant> grants(String username, String tenant) {
        List<Principal.Grant> out = new ArrayList<>();
        db.jdbc().query("select role, clusters from user_roles where username = ? order by role", rs -> {
            String role = rs.getString(1);
            Set<String> clusters = RightsStore.split(rs.getString(2));
            Set<String> perms = Roles.BUILT_IN.get(role);
            if (perms == null) {
                Optional<RightsStore.Role> custom = rights.role(tenant, role);
                if (custom.isEmpty()) return; // a role deleted since: grants nothing
                perms = custom.get().permissions();
                if (custom.get().clusters() != null) {
                    if (clusters == null) clusters = custom.get().clusters();
                    else clusters.retainAll(custom.get().clusters());
                }
            }
            out.add(new Principal.Grant(role, perms, clusters));
        }, username);
        return out;
    }

    /** A login attempt: throttled after repeated failures (known and unknown user names alike). */
    public LoginResult login(String username, String password) {
        String key = username.length() > 64 ? username.substring(0, 64) : username;
        long now = System.currentTimeMillis();
        Long lockedUntil = db.jdbc().query("select locked_until from login_failures where username = ?",
                (rs, i) -> rs.getObject(1, Long.class), key).stream().filter(java.util.Objects::nonNull).findFirst().orElse(null);
        if (lockedUntil != null && lockedUntil > now) return new Locked(Math.max(1, (lockedUntil - now + 999) / 1000));
        List<Object[]> rows = db.jdbc().query("select password_hash, tenant, disabled from users where username = ?",
                (rs, i) -> new Object[] {rs.getString(1), rs.getString(2), rs.getBoolean(3)}, username);
        boolean matches;
        if (rows.isEmpty()) {
            encoder.matches(password, DUMMY_HASH); // same cost either way
            matches = false;
        } else {
            matches = encoder.matches(password, (String) rows.get(0)[0]);
        }
        if (!matches) {
            failed(key, now);
            return new Refused(false);
        }
        db.jdbc().update("delete from login_failures where username = ?", key);
        if ((Boolean) rows.get(0)[2]) return new Refused(true);
        String tenant = (String) rows.get(0)[1];
        return new LoggedIn(new Principal(username, tenant, grants(username, tenant), null, null));
    }

    private void failed(String key, long now) {
        try { // the row exists before it is locked, so that two replicas counting the same name at once both count
            db.jdbc().update("insert into login_failures (username, failures, first_at, locked_until) values (?, 0, ?, null)", key, now);
        } catch (org.springframework.dao.DuplicateKeyException exists) {
            // counted before
        }
        db.inTransaction(() -> {
            long[] r = db.jdbc().queryForObject("select failures, first_at from login_failures where username = ? for update",
                    (rs, i) -> new long[] {rs.getInt(1), rs.getLong(2)}, key);
            boolean fresh = r[1] < now - lockout.toMillis(); // the last failures are older than the window: start again
            long failures = fresh ? 1 : r[0] + 1;
            db.jdbc().update("update login_failures set failures = ?, first_at = ?, locked_until = ? where username = ?",
                    failures, fresh ? now : r[1], failures >= maxFailures ? now + lockout.toMillis() : null, key);
        });
    }

    /** Issues an unscoped bearer token; only its hash is stored. {@code ttlMillis} 0: does not expire. */
    public String issueToken(String username, String name, long ttlMillis) {
        long now = System.currentTimeMillis();
        return issueToken(username, name, null, ttlMillis > 0 ? now + ttlMillis : null).token();
    }

    public record Issued(String token, Token info) {}

    /** Issues a token limited to {@code scopes} (null: none) that expires at {@code expiresAt} (null: never); the secret is returned once. */
    public Issued issueToken(String username, String name, Set<String> scopes, Long expiresAt) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = "drn_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        long now = System.currentTimeMillis();
        String id = UUID.randomUUID().toString();
        db.jdbc().update("insert into api_tokens (token_hash, username, name, created_at, expires_at, id, scopes) values (?, ?, ?, ?, ?, ?, ?)",
                hash(token), username, name, now, expiresAt, id, RightsStore.join(scopes));
        return new Issued(token, new Token(id, username, name, scopes, now, expiresAt, null));
    }

    /** Why a token is not accepted, or the principal it stands for. */
    public sealed interface TokenCheck {}

    public record Valid(Principal principal) implements TokenCheck {}

    public record Invalid(String reason) implements TokenCheck {}

    public TokenCheck checkToken(String token) {
        List<Object[]> rows = db.jdbc().query(
                "select u.username, u.tenant, u.disabled, t.expires_at, t.revoked_at, t.scopes, t.id from api_tokens t join users u on u.username = t.username"
                        + " where t.token_hash = ?",
                (rs, i) -> new Object[] {rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getObject(4, Long.class),
                        rs.getObject(5, Long.class), rs.getString(6), rs.getString(7)}, hash(token));
        if (rows.isEmpty()) return new Invalid("the bearer token is unknown");
        Object[] r = rows.get(0);
        if (r[4] != null) return new Invalid("the bearer token was revoked");
        if (r[3] != null && (Long) r[3] <= System.currentTimeMillis()) return new Invalid("the bearer token expired");
        if ((Boolean) r[2]) return new Invalid("the bearer token's user " + r[0] + " is disabled");
        String username = (String) r[0], tenant = (String) r[1];
        return new Valid(new Principal(username, tenant, grants(username, tenant), RightsStore.split((String) r[5]), (String) r[6]));
    }

    public Optional<Principal> byToken(String token) {
        return checkToken(token) instanceof Valid v ? Optional.of(v.principal()) : Optional.empty();
    }

    /** Tokens of {@code username} (null: all), newest first; never their secrets. */
    public List<Token> tokens(String username) {
        String where = username == null ? "" : " where username = ?";
        Object[] args = username == null ? new Object[0] : new Object[] {username};
        return db.jdbc().query("select id, username, name, scopes, created_at, expires_at, revoked_at from api_tokens" + where + " order by created_at desc, id",
                (rs, i) -> new Token(rs.getString(1), rs.getString(2), rs.getString(3), RightsStore.split(rs.getString(4)), rs.getLong(5),
                        rs.getObject(6, Long.class), rs.getObject(7, Long.class)), args);
    }

    public Optional<Token> token(String id) {
        return db.jdbc().query("select id, username, name, scopes, created_at, expires_at, revoked_at from api_tokens where id = ?",
                (rs, i) -> new Token(rs.getString(1), rs.getString(2), rs.getString(3), RightsStore.split(rs.getString(4)), rs.getLong(5),
                        rs.getObject(6, Long.class), rs.getObject(7, Long.class)), id).stream().findFirst();
    }

    /** Revokes a token (once); false if it was revoked already or does not exist. */
    public boolean revoke(String id) {
        return db.jdbc().update("update api_tokens set revoked_at = ? where id = ? and revoked_at is null", System.currentTimeMillis(), id) > 0;
    }

    /** A random password for the bootstrap administrator. */
    public static String randomPassword() {
        byte[] raw = new byte[18];
        RANDOM.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    static String hash(String token) {
        return sha256(token);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Set<String> setOf(String... s) {
        return new LinkedHashSet<>(Arrays.asList(s));
    }
}
