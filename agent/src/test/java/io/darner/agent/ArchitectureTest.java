package io.darner.agent;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** Module boundaries of the agent (see DESIGN.md, "Modules"). */
@AnalyzeClasses(packages = "io.darner.agent", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule agent_uses_no_camel_and_no_spring =
            noClasses().that().resideInAPackage("io.darner.agent..")
                    .should().dependOnClassesThat().resideInAnyPackage("org.apache.camel..", "org.springframework..")
                    .because("the agent is a small daemon on the engine: no Camel, no Spring");
}
