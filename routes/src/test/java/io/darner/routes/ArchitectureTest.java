package io.darner.routes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** Module boundaries (DESIGN.md): {@code config → routes → processors → p2p-engine ← agent}. */
@AnalyzeClasses(packages = "io.darner.routes", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule routes_do_not_reach_up_or_into_the_engine =
            noClasses().that().resideInAPackage("io.darner.routes..")
                    .should().dependOnClassesThat().resideInAnyPackage("io.darner.server..", "io.darner.agent..", "io.darner.engine..")
                    .because("routes define the flow; the work is in processors, which alone talk to the engine");
}
