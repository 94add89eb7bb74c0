package io.darner.agent.cli;

import io.darner.engine.manifest.ContentDigest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "get", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Fetches URL to PATH, verified: through the local agent (peer-to-peer) when one answers at "
                        + "--agent, otherwise straight from the source. PATH is written only once complete and verified "
                        + "(temporary file + atomic rename): it never holds a partial or wrong file.",
                "Progress goes to stderr: a bar on a terminal, plain lines otherwise."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:done: PATH holds the verified file",
                "1:other failure (the agent stopped, lost connection, cancelled task)",
                "2:usage error (bad option value, URL or digest)",
                "3:source error (not found, refused, unreachable, read failed)",
                "4:integrity error (content does not match --digest)",
                "5:local I/O error (PATH not writable, its directory missing, disk full, or PATH outside the "
                        + "agent's --allow-dir directories)"})
public final class GetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", converter = Converters.SourceUrlConverter.class,
            description = "Source: http://, https:// or file:// URL")
    String url;

    @Option(names = {"-o", "--output"}, paramLabel = "PATH", required = true, description = "Where to write the file")
    Path output;

    @Option(names = "--digest", paramLabel = "sha256:HEX", converter = Converters.DigestConverter.class,
            description = "The content's expected SHA-256; a mismatch fails with exit code 4 and leaves PATH untouched")
    ContentDigest digest;

    @Option(names = "--agent", paramLabel = "HOST:PORT", converter = Converters.AddressConverter.class,
            defaultValue = "${env:DARNER_CONTROL:-127.0.0.1:7401}",
            description = "Control address of the local agent (default: $DARNER_CONTROL, else 127.0.0.1:7401)")
    InetSocketAddress agent;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProgressView view = new ProgressView(err, System.console() != null);
        try {
            AgentClient client = new AgentClient(agent);
            int health = client.probe();
            if (health > 0 && health != 200) {
                err.println("darner get: the agent at " + client.base().getAuthority() + " is not ready (HTTP " + health
                        + "); fetching straight from the source");
            }
            String line = health == 200 ? viaAgent(client, view) : direct(client, view);
            view.clear();
            out.println(line);
            out.flush();
            return ExitCodes.OK;
        } catch (GetFailure f) {
            view.clear();
            err.println("darner get: " + f.getMessage());
            err.flush();
            return f.exitCode();
        }
    }

    private String viaAgent(AgentClient client, ProgressView view) throws GetFailure {
        AgentClient.Outcome o = client.get(url, output, digest, view::update);
        return "done " + output + " sha256:" + o.contentId() + " " + o.size() + " bytes, " + view.averageRate(o.size())
                + (o.fromSource() ? ", from the source (no supernode reachable)" : ", through the agent at " + client.base().getAuthority());
    }

    private String direct(AgentClient client, ProgressView view) throws GetFailure {
        DirectFetch.Done d = new DirectFetch(url, output, digest, (bytes, size) -> view.update(bytes, size, -1)).run();
        return "done " + d.target() + " sha256:" + d.sha256() + " " + d.size() + " bytes, " + view.averageRate(d.size())
                + ", from the source (no agent ready at " + client.base().getAuthority() + ")";
    }
}
