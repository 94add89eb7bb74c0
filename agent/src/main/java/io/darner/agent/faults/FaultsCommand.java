package io.darner.agent.faults;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "faults", mixinStandardHelpOptions = true,
        description = {"Runs the fault suite: real supernode and agent processes of this jar on loopback, one fault per case.",
                "Prints FAULT name=.. result=pass|fail detail=.. per case, then FAULTS passed=N failed=M.",
                "The disk_full case mounts a small tmpfs (root)."})
public final class FaultsCommand implements Callable<Integer> {
    @Option(names = "--case", split = ",", paramLabel = "NAME", description = "Run only these cases (default: all)")
    List<String> only;

    @Option(names = "--dir", description = "Work directory (default: a new directory under the system temp directory)")
    Path dir;

    @Option(names = "--server-jar", paramLabel = "JAR", description = "The control-plane server jar for the control_plane_restart case "
            + "(default: $DARNER_SERVER_JAR, else config/target/darner-server.jar next to this jar's module)")
    Path serverJar;

    @Override
    public Integer call() throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        Path jar = Path.of(FaultsCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (serverJar == null && System.getenv("DARNER_SERVER_JAR") != null) serverJar = Path.of(System.getenv("DARNER_SERVER_JAR"));
        if (serverJar == null && jar.getParent() != null && jar.getParent().getParent() != null && jar.getParent().getParent().getParent() != null) {
            serverJar = jar.getParent().getParent().getParent().resolve("config/target/darner-server.jar");
        }
        FaultSuite.serverJar = serverJar == null ? null : serverJar.toAbsolutePath();
        Path base = dir != null ? Files.createDirectories(dir) : Path.of(System.getProperty("java.io.tmpdir"));
        Path work = Files.createTempDirectory(base, "darner-faults-");
        int passed = 0, failed = 0;
        try {
            for (Map.Entry<String, FaultSuite.Case> e : FaultSuite.cases().entrySet()) {
                if (only != null && !only.contains(e.getKey())) continue;
                FaultSuite.Outcome o;
                LocalCluster c = new LocalCluster(work.resolve(e.getKey()), jar);
                Thread hook = new Thread(c::close);
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    o = e.getValue().run(c);
                } catch (Exception | AssertionError ex) {
                    o = FaultSuite.Outcome.of(false, "error: " + ex);
                } finally {
                    c.close();
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
                if (o.pass()) passed++;
                else failed++;
                System.out.println("FAULT name=" + e.getKey() + " result=" + (o.pass() ? "pass" : "fail") + " detail=" + o.detail().replace('\n', ' '));
                System.out.flush();
            }
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (Exception ignored) {
                // best effort
            }
        }
        System.out.println("FAULTS passed=" + passed + " failed=" + failed);
        return failed == 0 ? 0 : 1;
    }
}
