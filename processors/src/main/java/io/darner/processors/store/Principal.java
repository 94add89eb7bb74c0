package io.darner.processors.store;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who is calling: a user of a tenant with the roles granted to it (each possibly limited to named
 * clusters) and, when the call came with a scoped API token, the token's scopes.
 *
 * @param scopes permission patterns the token is limited to; null: the token may do what the user may
 */
public record Principal(String username, String tenant, List<Grant> grants, Set<String> scopes, String tokenId) {

    /** A role granted to a user: its permissions, and the clusters it is limited to (null: all of the tenant's). */
    public record Grant(String role, Set<String> permissions, Set<String> clusters) {
        boolean allows(String permission, String cluster, boolean anyCluster) {
            if (!Roles.coveredBy(permissions, permission)) return false;
            return clusters == null || anyCluster || (cluster != null && clusters.contains(cluster));
        }
    }

    /** The first cut's administrator and viewer role names. */
    public static final String ADMIN = Roles.SUPER_ADMIN;
    public static final String VIEWER = Roles.VIEWER;
    public static final String DEFAULT_TENANT = "default";

    /** A user of the default tenant with one built-in role (unknown roles grant nothing). */
    public Principal(String username, String role) {
        this(username, DEFAULT_TENANT, List.of(new Grant(Roles.canonical(role),
                Roles.BUILT_IN.getOrDefault(Roles.canonical(role), Set.of()), null)), null, null);
    }

    /** The role names, comma separated (as errors and {@code /auth/me} show them). */
    public String role() {
        return grants.stream().map(Grant::role).collect(Collectors.joining(","));
    }

    /** The super administrator sees and acts in every tenant. */
    public boolean superAdmin() {
        return grants.stream().anyMatch(g -> g.role().equals(Roles.SUPER_ADMIN)) && (scopes == null || scopes.contains("*:*"));
    }

    /** Whether the caller holds {@code permission} at all (for some cluster at least). */
    public boolean can(String permission) {
        return scoped(permission) && (Roles.SELF.contains(permission) || grants.stream().anyMatch(g -> g.allows(permission, null, true)));
    }

    /** Whether the caller holds {@code permission} for {@code cluster} (null: a task on an explicit node list, which needs an unlimited grant). */
    public boolean can(String permission, String cluster) {
        return scoped(permission) && grants.stream().anyMatch(g -> g.allows(permission, cluster, false));
    }

    /** The clusters in which the caller holds {@code permission}; null: every cluster of its tenant (an unlimited grant). */
    public Set<String> clustersFor(String permission) {
        if (!scoped(permission)) return Set.of();
        Set<String> out = new java.util.TreeSet<>();
        for (Grant g : grants) {
            if (!Roles.coveredBy(g.permissions(), permission)) continue;
            if (g.clusters() == null) return null;
            out.addAll(g.clusters());
        }
        return out;
    }

    /** Every permission pattern of every grant (for checks that nobody grants more than they hold). */
    public boolean holdsAll(Set<String> permissions, Set<String> clusters) {
        for (String perm : permissions) {
            boolean ok = false;
            for (Grant g : grants) {
                if (!scopedPattern(perm)) break;
                if (!g.permissions().stream().anyMatch(held -> coversPattern(held, perm))) continue;
                if (g.clusters() == null || (clusters != null && g.clusters().containsAll(clusters))) { ok = true; break; }
            }
            if (!ok) return false;
        }
        return true;
    }

    private boolean scoped(String permission) {
        return scopes == null || Roles.coveredBy(scopes, permission);
    }

    private boolean scopedPattern(String pattern) {
        return scopes == null || scopes.stream().anyMatch(s -> coversPattern(s, pattern));
    }

    /** Whether {@code held} covers everything {@code wanted} (both patterns) does. */
    static boolean coversPattern(String held, String wanted) {
        int p = held.indexOf(':'), q = wanted.indexOf(':');
        String hr = held.substring(0, p), ha = held.substring(p + 1), wr = wanted.substring(0, q), wa = wanted.substring(q + 1);
        return (hr.equals("*") || hr.equals(wr)) && (ha.equals("*") || ha.equals(wa));
    }
}
