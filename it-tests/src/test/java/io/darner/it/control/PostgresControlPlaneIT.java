package io.darner.it.control;

/** The control-plane suite with the server's store on POSTGRESQL. */
class PostgresControlPlaneIT extends ControlPlaneSuite {
    @Override
    Database database() {
        return Database.POSTGRESQL;
    }
}
