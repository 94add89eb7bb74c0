package io.darner.server;

import io.darner.processors.store.AuditStore;
import io.darner.processors.store.Principal;
import io.darner.processors.store.UserStore;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * At first start (no users yet) creates the administrator {@code admin}. Its password is the
 * configured one, or a random one printed once here — never a fixed default. It runs once every
 * bean (the database migration among them) exists and before the web server and the routes
 * start, so that the first login the API answers already finds the administrator.
 */
@Component
class BootstrapAdmin implements SmartInitializingSingleton {
    private final UserStore users;
    private final AuditStore audit;
    private final DarnerProperties props;

    BootstrapAdmin(UserStore users, AuditStore audit, DarnerProperties props) {
        this.users = users;
        this.audit = audit;
        this.props = props;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (users.count() > 0) return;
        String configured = props.getBootstrap().getAdminPassword();
        boolean random = configured == null || configured.isEmpty();
        String password = random ? UserStore.randomPassword() : configured;
        users.create("admin", password, Principal.ADMIN);
        audit.record("system", "user:create", "user/admin", "ok", "bootstrap administrator");
        if (random) {
            System.out.println();
            System.out.println("  Darner: created the administrator 'admin' with the password");
            System.out.println();
            System.out.println("      " + password);
            System.out.println();
            System.out.println("  It is shown only this once. Log in: POST /api/v1/auth/login {\"username\":\"admin\",\"password\":\"…\"}");
            System.out.println();
        }
    }
}
