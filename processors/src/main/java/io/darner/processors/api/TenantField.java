package io.darner.processors.api;

import io.darner.processors.ApiException;
import io.darner.processors.store.Principal;
import io.darner.processors.store.RightsStore;

/** The optional {@code tenant} of a create request: the caller's own by default; another one only for the super administrator. */
final class TenantField {
    private TenantField() {}

    static String of(String requested, Principal p, RightsStore rights) {
        if (requested == null || requested.equals(p.tenant())) return p.tenant();
        if (!p.superAdmin() || rights == null || rights.tenant(requested).isEmpty()) {
            throw ApiException.badRequest("tenant", "tenant " + AuthApi.clip(requested) + " does not exist",
                    "leave it out for your own tenant" + (p.superAdmin() ? ", or see GET /api/v1/tenants" : ""));
        }
        return requested;
    }
}
