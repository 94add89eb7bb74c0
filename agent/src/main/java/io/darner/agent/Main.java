package io.darner.agent;

import io.darner.agent.bench.BenchCommand;
import io.darner.agent.cli.AgentCommand;
import io.darner.agent.cli.GetCommand;
import io.darner.agent.cli.SupernodeCommand;
import io.darner.agent.faults.FaultsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code darner} command line of the agent jar (the launcher sends server and demo elsewhere). */
@Command(name = "darner", mixinStandardHelpOptions = true, version = "darner 0.1.0",
        description = "Distributes files to many nodes through a verified peer-to-peer network.",
        footer = {"", "Control plane (the same ./darner launcher, another jar):",
                "  server   REST API, task lifecycle, embedded supernode (server --help)",
                "  demo     server + 4 agents on loopback, one file via the REST API"},
        subcommands = {SupernodeCommand.class, AgentCommand.class, GetCommand.class, BenchCommand.class, FaultsCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
