package io.darner.engine;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** Module boundaries of the data plane (see DESIGN.md, "Modules"). */
@AnalyzeClasses(packages = "io.darner.engine", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule engine_uses_no_camel_and_no_spring =
            noClasses().that().resideInAPackage("io.darner.engine..")
                    .should().dependOnClassesThat().resideInAnyPackage("org.apache.camel..", "org.springframework..")
                    .because("the data plane is a plain Netty library: no Camel, no Spring");

    @ArchTest
    static final ArchRule engine_does_not_depend_on_agent =
            noClasses().that().resideInAPackage("io.darner.engine..")
                    .should().dependOnClassesThat().resideInAPackage("io.darner.agent..")
                    .because("the agent depends on the engine, never the other way");

    @ArchTest
    static final ArchRule engine_packages_are_free_of_cycles =
            slices().matching("io.darner.engine.(*)..")
                    .should().beFreeOfCycles();
}
