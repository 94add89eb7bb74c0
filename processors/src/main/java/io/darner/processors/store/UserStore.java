package io.darner.processors.store;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** Users (password hashes by BCrypt) and their bearer tokens (stored as SHA-256 only). */
public final class UserStore {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Db db;
    private final PasswordEncoder encoder = new BCryptPasswordEncoder();

    public UserStore(Db db) {
        this.db = db;
    }

    public long count() {
        return db.jdbc().queryForObject("select count(*) from users", Long.class);
    }

    public void create(String username, String password, String role) {
        db.jdbc().update("insert into users (username, password_hash, role, created_at) values (?, ?, ?, ?)",
                username, encoder.encode(password), role, System.currentTimeMillis());
    }

    /** The user if the password matches; empty otherwise (unknown user or wrong password alike). */
    public Optional<Principal> login(String username, String password) {
        List<String[]> rows = db.jdbc().query("select password_hash, role from users where username = ?",
                (rs, i) -> new String[] {rs.getString(1), rs.getString(2)}, username);
        if (rows.isEmpty()) {
            encoder.matches(password, "$2a$10$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Z3bcNQt1BQnFM8LSeeJmQb6a"); // same cost either way
            return Optional.empty();
        }
        return encoder.matches(password, rows.get(0)[0]) ? Optional.of(new Principal(username, rows.get(0)[1])) : Optional.empty();
    }

    /** Issues a bearer token; only its hash is stored. {@code ttlMillis} 0: does not expire. */
    public String issueToken(String username, String name, long ttlMillis) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = "drn_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        long now = System.currentTimeMillis();
        db.jdbc().update("insert into api_tokens (token_hash, username, name, created_at, expires_at) values (?, ?, ?, ?, ?)",
                hash(token), username, name, now, ttlMillis > 0 ? now + ttlMillis : null);
        return token;
    }

    public Optional<Principal> byToken(String token) {
        List<Principal> found = db.jdbc().query(
                "select u.username, u.role from api_tokens t join users u on u.username = t.username"
                        + " where t.token_hash = ? and (t.expires_at is null or t.expires_at > ?)",
                (rs, i) -> new Principal(rs.getString(1), rs.getString(2)), hash(token), System.currentTimeMillis());
        return found.stream().findFirst();
    }

    /** A random password for the bootstrap administrator. */
    public static String randomPassword() {
        byte[] raw = new byte[18];
        RANDOM.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
