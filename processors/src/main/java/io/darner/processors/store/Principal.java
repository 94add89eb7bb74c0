package io.darner.processors.store;

import java.util.Set;

/**
 * Who is calling. Roles of this first cut: {@code admin} may do everything, {@code viewer} may
 * only read ({@code *:read}). Custom roles and permission sets come with the rights issue.
 */
public record Principal(String username, String role) {
    public static final String ADMIN = "admin";
    public static final String VIEWER = "viewer";
    public static final Set<String> ROLES = Set.of(ADMIN, VIEWER);

    public boolean can(String permission) {
        if (ADMIN.equals(role)) return true;
        return VIEWER.equals(role) && permission.endsWith(":read");
    }
}
