package io.darner.it.control;

/** The control-plane suite with the server's store on H2. */
class H2ControlPlaneIT extends ControlPlaneSuite {
    @Override
    Database database() {
        return Database.H2;
    }
}
