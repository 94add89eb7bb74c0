package io.darner.agent.daemon;

import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

class JitPolicyTest {
    private static String directives() throws Exception {
        return String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "compilerDirectivesPrint", new Object[] {new String[0]}, new String[] {String[].class.getName()}));
    }

    @Test
    void theAgentKeepsTheOptimisingCompilerForSha256Only() throws Exception {
        String before = directives();
        assertThat(JitPolicy.install()).isEqualTo("C2 for SHA-256 only");
        String after = directives();
        assertThat(after).contains("sun/security/provider/DigestBase.engineUpdate").isNotEqualTo(before);
        // the catch-all directive excludes C2 for everything else
        int catchAll = after.indexOf("matching: *.*");
        assertThat(catchAll).isPositive();
        assertThat(after.substring(catchAll)).containsPattern("c2 directives:\\s+inline: -\\s+Enable:true Exclude:true");
    }
}
