package io.darner.it.kernel;

import io.darner.it.support.Await;
import io.darner.it.support.DarnerNodes;
import io.darner.it.support.JavaProcess;
import io.darner.it.support.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code darner bench --kernel} as a real process, small (3 nodes, a few MiB): every system
 * delivers every file verified, and afterwards none of the namespaces, the bridge, the veths
 * or the processes it made remain, also when it is interrupted (SIGINT, SIGTERM) mid-run.
 * Needs root and {@code ip netns}, as CI has; fails (does not skip) without them.
 */
class KernelBenchIT {
    private static final Pattern STARTED = Pattern.compile("KERNEL id=([0-9a-f]{4}) work=(\\S+)");
    private static final Duration RUN = Duration.ofMinutes(5);

    private Path dir;
    private final List<JavaProcess> started = new ArrayList<>();

    @BeforeAll
    static void rootAndNetns() {
        assertThat(KernelHosts.run("id", "-u").trim())
                .as("the kernel benchmark tests need root (network namespaces, bridge, tc); CI runs them as root").isEqualTo("0");
        assertThat(KernelHosts.exit("ip", "netns", "list")).as("`ip netns list` must work (iproute2 with network namespaces)").isZero();
        for (String tool : List.of("aria2c", "mktorrent", "opentracker", "nginx", "curl", "tc")) {
            assertThat(KernelHosts.exit("sh", "-c", "command -v " + tool + " || test -x /usr/sbin/" + tool))
                    .as(tool + " is needed (apt: aria2 mktorrent opentracker nginx-light curl iproute2; .ci/run installs them)").isZero();
        }
    }

    @BeforeEach
    void workDir() throws IOException {
        dir = Files.createTempDirectory("darner-it-kernel-");
    }

    @AfterEach
    void stop() {
        for (JavaProcess p : started) {
            // SIGTERM first: the bench's shutdown hook removes what it made; SIGKILL only if that hangs
            if (p.isAlive()) {
                try {
                    p.terminate(Duration.ofSeconds(60));
                } catch (AssertionError hung) {
                    System.err.println(hung.getMessage());
                }
            }
            p.close();
        }
        TestFiles.deleteTree(dir);
    }

    private JavaProcess bench(String... args) {
        List<String> a = new ArrayList<>(List.of("bench", "--kernel"));
        a.addAll(List.of(args));
        JavaProcess p = JavaProcess.start("bench", DarnerNodes.agentJar(), List.of(), a, dir.resolve("bench.log"));
        started.add(p);
        return p;
    }

    @Test
    void three_systems_deliver_every_file_verified_and_leave_no_namespace_link_or_process() {
        JavaProcess b = bench("--scenario", "A", "--kernel-nodes", "3", "--kernel-size-mib", "4", "--systems", "darner,aria2,http");
        int exit = b.awaitExit(RUN);
        String log = b.log();
        assertThat(exit).as(log).isZero();
        for (String system : List.of("darner", "aria2", "http")) {
            assertThat(log).as(log).containsPattern("(?m)^BENCH kernel scenario=A system=" + system
                    + " nodes=3 t_max_s=[0-9.]+ t_fluid_s=[0-9.]+ ratio=[0-9.]+ p99_s=[0-9.]+ verified=3/3$");
        }
        assertThat(log).containsPattern("(?m)^BENCH kernel scenario=A aria2_over_darner=[0-9.]+ http_over_darner=[0-9.]+$");
        assertNothingLeft(log);
    }

    @Test
    void without_root_it_fails_with_a_message_naming_root_and_makes_nothing() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // a copy user nobody can read, wherever the checkout lives
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = Files.copy(DarnerNodes.agentJar(), dir.resolve("darner-agent.jar"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        String out = KernelHosts.run("runuser", "-u", "nobody", "--", java, "-jar", jar.toString(),
                "bench", "--kernel", "--kernel-nodes", "2", "--kernel-size-mib", "1", "--systems", "darner");
        assertThat(out).contains("darner bench --kernel: needs root").doesNotContain("KERNEL id=");
        assertThat(KernelHosts.exit("runuser", "-u", "nobody", "--", java, "-jar", jar.toString(),
                "bench", "--kernel", "--systems", "darner")).isEqualTo(2);
    }

    @Test
    void sigint_during_the_darner_transfer_removes_everything_it_made() {
        interruptedCleansUp("darner", "INT", 3);
    }

    @Test
    void sigterm_during_the_aria2_transfer_removes_everything_it_made() {
        interruptedCleansUp("aria2", "TERM", 3);
    }

    /** Starts a run slow enough to interrupt (scenario C caps, 64 MiB), signals it once the system's processes all run. */
    private void interruptedCleansUp(String system, String signal, int nodes) {
        // two warm-ups (of 64 MiB at scenario C's caps) are enough to interrupt the run after them
        JavaProcess b = bench("--scenario", "C", "--kernel-nodes", String.valueOf(nodes), "--kernel-size-mib", "64", "--systems", system,
                "--warmups", "2");
        b.awaitLog("KERNEL started system=" + system, RUN);
        Matcher m = STARTED.matcher(b.log());
        assertThat(m.find()).as(b.log()).isTrue();
        String work = m.group(2);
        // the supernode (or tracker and seeder) plus one process per node
        Await.until(nodes + 1 + " processes of the run to be running", Duration.ofSeconds(120),
                () -> KernelHosts.processesMentioning(work).size() >= nodes + 1);
        if (system.equals("darner")) b.awaitLog("KERNEL darner warmed up", Duration.ofSeconds(120));
        assertThat(KernelHosts.exit("kill", "-" + signal, String.valueOf(b.pid()))).isZero();
        b.awaitExit(Duration.ofSeconds(60));
        assertThat(b.log()).doesNotContain("BENCH kernel");
        assertNothingLeft(b.log());
    }

    private static void assertNothingLeft(String log) {
        Matcher m = STARTED.matcher(log);
        assertThat(m.find()).as("the bench names its id and work directory:\n" + log).isTrue();
        String id = m.group(1);
        String work = m.group(2);
        assertThat(log).contains("KERNEL cleaned up id=" + id);
        assertThat(KernelHosts.run("ip", "netns", "list")).as("namespaces").doesNotContain("dkb-" + id + "-");
        assertThat(KernelHosts.run("ip", "-o", "link", "show")).as("bridge and veths").doesNotContain("dkb" + id);
        // a short-lived helper (sha256sum, curl) may be ending just now: bounded wait, then the table must be clean
        Await.until("no process mentioning " + work, Duration.ofSeconds(10), () -> KernelHosts.processesMentioning(work).isEmpty());
        assertThat(Path.of(work)).doesNotExist();
    }

    /** Shell-level probes of the host: commands, and the process table. */
    static final class KernelHosts {
        static String run(String... cmd) {
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor();
                return out;
            } catch (IOException e) {
                throw new IllegalStateException("cannot run " + String.join(" ", cmd), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        static int exit(String... cmd) {
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                return p.waitFor();
            } catch (IOException e) {
                return 127;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Pids of processes whose command line contains {@code fragment}. */
        static List<Long> processesMentioning(String fragment) {
            List<Long> pids = new ArrayList<>();
            long self = ProcessHandle.current().pid();
            try (var procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path p : procs) {
                    try {
                        String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                        long pid = Long.parseLong(p.getFileName().toString());
                        if (pid != self && cmdline.contains(fragment)) pids.add(pid);
                    } catch (IOException | NumberFormatException gone) {
                        // exited while we looked
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot list /proc", e);
            }
            return pids;
        }
    }
}
