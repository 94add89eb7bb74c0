package io.darner.it.faults;

import io.darner.it.support.DarnerNodes;
import io.darner.it.support.JavaProcess;
import io.darner.it.support.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code darner faults} as a real process, for the cases no other end-to-end test covers: a
 * lying peer, a node whose disk is full (a small tmpfs: needs root, as CI has), and a flood of
 * malformed frames. Killed agents, supernode failover and source fallback are covered by
 * ResumeIT and FailoverIT, the control-plane restart by ControlPlaneSuite.
 */
class FaultsIT {
    private Path dir;
    private JavaProcess faults;

    @BeforeEach
    void workDir() throws IOException {
        dir = Files.createTempDirectory("darner-it-faults-");
    }

    @AfterEach
    void stop() {
        if (faults != null) faults.close();
        TestFiles.deleteTree(dir);
    }

    @Test
    void a_lying_peer_is_banned_a_full_disk_fails_only_its_node_and_a_frame_flood_does_not_stop_serving() throws IOException {
        Path uid = Path.of("/proc/self/status");
        assertThat(Files.readAllLines(uid).stream().filter(l -> l.startsWith("Uid:")).findFirst().orElse(""))
                .as("the disk_full case mounts a tmpfs: run as root (CI does)").matches("Uid:\\s+0\\s.*");
        faults = JavaProcess.start("faults", DarnerNodes.agentJar(), List.of(),
                List.of("faults", "--case", "lying_peer,disk_full,malformed_frame_flood", "--dir", dir.toString()), dir.resolve("faults.log"));
        int exit = faults.awaitExit(Duration.ofMinutes(8));
        String log = faults.log();
        for (String name : List.of("lying_peer", "disk_full", "malformed_frame_flood")) {
            assertThat(log).as(log).containsPattern("(?m)^FAULT name=" + name + " result=pass detail=.+$");
        }
        assertThat(log).contains("FAULTS passed=3 failed=0");
        assertThat(exit).isZero();
        try (var left = Files.list(dir)) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith("darner-faults-")).toList()).as("work directory removed").isEmpty();
        }
    }
}
