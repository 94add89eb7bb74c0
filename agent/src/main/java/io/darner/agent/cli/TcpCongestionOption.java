package io.darner.agent.cli;

import io.darner.engine.net.TcpCongestion;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --tcp-congestion}, shared by the commands that move pieces (agent, supernode). */
final class TcpCongestionOption {
    @Option(names = "--tcp-congestion", paramLabel = "NAME",
            description = "TCP congestion control of this process's peer and seed connections: a name the kernel offers "
                    + "(/proc/sys/net/ipv4/tcp_available_congestion_control), or '" + TcpCongestion.SYSTEM + "' for the host's default. "
                    + "Default: " + TcpCongestion.DEFAULT + " where the kernel has it (BBR paces every connection at the rate "
                    + "it alone reached, which slows a node handing its link from one peer to the next)")
    String name;

    /** @return the name to pass to the daemon (null: Darner's default) */
    String checked(CommandSpec spec) {
        if (name == null) return null;
        try {
            TcpCongestion.resolve(name);
            return name;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--tcp-congestion " + e.getMessage());
        }
    }
}
