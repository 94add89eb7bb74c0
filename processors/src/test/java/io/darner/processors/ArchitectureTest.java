package io.darner.processors;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** Module boundaries (DESIGN.md): {@code config → routes → processors → p2p-engine ← agent}. */
@AnalyzeClasses(packages = "io.darner.processors", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule processors_do_not_reach_up_or_sideways =
            noClasses().that().resideInAPackage("io.darner.processors..")
                    .should().dependOnClassesThat().resideInAnyPackage("io.darner.routes..", "io.darner.server..", "io.darner.agent..")
                    .because("processors sit below routes and config, and beside the agent, never on them");

    @ArchTest
    static final ArchRule processors_are_not_spring_boot_components =
            noClasses().that().resideInAPackage("io.darner.processors..")
                    .should().dependOnClassesThat().resideInAnyPackage("org.springframework.boot..", "org.springframework.context..",
                            "org.springframework.beans.factory.annotation..")
                    .because("the config module wires processors; they stay plain classes a route test can build");

    @ArchTest
    static final ArchRule engine_internals_stay_inside =
            noClasses().that().resideInAPackage("io.darner.processors..")
                    .should().dependOnClassesThat().resideInAnyPackage("io.darner.engine.protocol..", "io.darner.engine.peer..", "io.darner.engine.store..")
                    .because("the control plane talks to the data plane through its public API (api, supernode, manifest, source, rate)");

    @ArchTest
    static final ArchRule no_cycles = slices().matching("io.darner.processors.(*)..").should().beFreeOfCycles();
}
