package io.darner.it.control;

/** The control-plane suite with the server's store on MARIADB. */
class MariaDbControlPlaneIT extends ControlPlaneSuite {
    @Override
    Database database() {
        return Database.MARIADB;
    }
}
