package io.darner.processors.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The permission model: a permission is {@code resource:action} (e.g. {@code task:create}); a
 * role is a set of permission patterns where either half may be {@code *}. Built-in roles are
 * defined here; custom roles are stored per tenant ({@link RightsStore}).
 */
public final class Roles {
    public static final String SUPER_ADMIN = "super-admin";
    public static final String CLUSTER_ADMIN = "cluster-admin";
    public static final String TASK_ADMIN = "task-admin";
    public static final String VIEWER = "viewer";

    /** Resources and actions a permission may name. */
    public static final List<String> RESOURCES = List.of("task", "file", "cluster", "node", "audit", "user", "role", "tenant", "token");
    public static final List<String> ACTIONS = List.of("read", "create", "update", "delete", "stop", "verify");

    /** Every built-in role and its permissions, in the order the docs list them. */
    public static final Map<String, Set<String>> BUILT_IN;

    /** What every authenticated user may do to itself: see who it is, manage its own tokens. */
    public static final Set<String> SELF = Set.of("self:read", "token:create", "token:read", "token:delete");

    private static final Pattern PERMISSION = Pattern.compile("(\\*|[a-z]{2,16}):(\\*|[a-z]{2,16})");

    static {
        Map<String, Set<String>> m = new LinkedHashMap<>();
        m.put(SUPER_ADMIN, Set.of("*:*"));
        m.put(CLUSTER_ADMIN, Set.of("cluster:*", "task:*", "file:read", "node:read", "audit:read"));
        m.put(TASK_ADMIN, Set.of("task:*", "file:*", "cluster:read", "node:read", "audit:read"));
        m.put(VIEWER, Set.of("task:read", "file:read", "cluster:read", "node:read", "audit:read"));
        BUILT_IN = java.util.Collections.unmodifiableMap(m);
    }

    private Roles() {}

    public static boolean builtIn(String role) {
        return BUILT_IN.containsKey(role);
    }

    /** The role name as stored: {@code admin} (the first cut's administrator) is the super administrator. */
    public static String canonical(String role) {
        return "admin".equals(role) ? SUPER_ADMIN : role;
    }

    /** Whether {@code pattern} (e.g. {@code task:*}) covers {@code permission} (e.g. {@code task:stop}). */
    public static boolean covers(String pattern, String permission) {
        if (pattern.equals(permission) || pattern.equals("*:*")) return true;
        int p = pattern.indexOf(':');
        int q = permission.indexOf(':');
        if (p < 0 || q < 0) return false;
        String pr = pattern.substring(0, p), pa = pattern.substring(p + 1);
        String r = permission.substring(0, q), a = permission.substring(q + 1);
        return (pr.equals("*") || pr.equals(r)) && (pa.equals("*") || pa.equals(a));
    }

    public static boolean coveredBy(Set<String> patterns, String permission) {
        for (String p : patterns) if (covers(p, permission)) return true;
        return false;
    }

    /** A permission pattern a custom role or token scope may name; null if valid, otherwise why not. */
    public static String invalid(String pattern) {
        if (pattern == null || !PERMISSION.matcher(pattern).matches()) return "is not of the form resource:action";
        String r = pattern.substring(0, pattern.indexOf(':'));
        String a = pattern.substring(pattern.indexOf(':') + 1);
        if (!r.equals("*") && !RESOURCES.contains(r) && !r.equals("self")) return "names the unknown resource '" + r + "'";
        if (!a.equals("*") && !ACTIONS.contains(a)) return "names the unknown action '" + a + "'";
        return null;
    }
}
