package io.darner.agent.cli;

import io.darner.agent.Main;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class HelpTextTest {

    static Stream<String> commands() {
        return new CommandLine(new Main()).getSubcommands().keySet().stream();
    }

    /** A stray % in a description makes picocli print the whole text raw, with its %n markers. */
    @ParameterizedTest(name = "darner {0} --help")
    @MethodSource("commands")
    void help_renders_every_description(String command) {
        Run run = Run.of(command, "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: darner " + command).doesNotContain("%n");
    }
}
