package io.darner.server;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** Module boundaries (DESIGN.md): the server assembles routes and processors; it never reaches into the agent. */
@AnalyzeClasses(packages = "io.darner.server", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule server_does_not_use_the_agent =
            noClasses().that().resideInAPackage("io.darner.server..")
                    .should().dependOnClassesThat().resideInAPackage("io.darner.agent..")
                    .because("agents are separate processes; the server talks to them through supernodes");
}
