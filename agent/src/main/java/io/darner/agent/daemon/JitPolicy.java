package io.darner.agent.daemon;

import javax.management.JMException;
import javax.management.ObjectName;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node agent's JIT policy. An agent is an I/O daemon on hosts that run other work: its
 * CPU goes to hashing pieces (SHA-256) and to moving bytes. HotSpot's optimising compiler (C2)
 * pays off only for the first, whose intrinsic only it uses; compiling the rest costs each agent
 * about as much CPU as its event loops spend on a transfer, again whenever a new code path turns
 * hot. So the agent adds {@value #RESOURCE} as a compiler directive at start: C2 for SHA-256,
 * the quick compiler (C1) for everything else. Measured with 16 agent processes on 2 cores
 * (docs/benchmarks.md): 20% less CPU per transfer. {@code -Ddarner.jit=default} keeps the JVM's
 * own policy.
 */
public final class JitPolicy {
    static final String RESOURCE = "/darner-agent-jit.json";

    private JitPolicy() {
    }

    /**
     * Installs the directive unless {@code darner.jit=default}.
     *
     * @return what was done, for the agent's start-up line
     */
    public static String install() {
        if ("default".equals(System.getProperty("darner.jit"))) return "the JVM's own (darner.jit=default)";
        Path file = null;
        try (InputStream in = JitPolicy.class.getResourceAsStream(RESOURCE)) {
            if (in == null) return "the JVM's own (" + RESOURCE + " is missing from the jar)";
            file = Files.createTempFile("darner-jit-", ".json");
            Files.write(file, in.readAllBytes());
            Object answer = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "compilerDirectivesAdd", new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
            String text = String.valueOf(answer).trim();
            return text.contains("added") ? "C2 for SHA-256 only" : "the JVM's own (the directive was refused: " + text + ")";
        } catch (IOException | JMException | RuntimeException e) {
            return "the JVM's own (" + e + ")";
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temporary file of a few hundred bytes
                }
            }
        }
    }
}
