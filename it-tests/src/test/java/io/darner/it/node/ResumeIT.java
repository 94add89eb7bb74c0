package io.darner.it.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.darner.it.support.AgentDownload;
import io.darner.it.support.Await;
import io.darner.it.support.DarnerNodes;
import io.darner.it.support.DarnerNodes.Agent;
import io.darner.it.support.DarnerNodes.Supernode;
import io.darner.it.support.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** An agent killed (SIGKILL) mid-transfer: the swarm goes on without it, and it resumes from its piece store. */
class ResumeIT {
    private static final long SIZE = 24L << 20;
    /** Each agent's download cap: the transfer takes several seconds, so "mid-transfer" is a wide window. */
    private static final String RATE = "4MB/s";

    @RegisterExtension
    final DarnerNodes nodes = new DarnerNodes();

    @Test
    void the_others_finish_and_the_killed_agent_restarted_resumes_from_its_piece_store() {
        Path source = TestFiles.random(nodes.dir().resolve("origin/app.bin"), SIZE, 24);
        String url = source.toUri().toString();
        String digest = TestFiles.sha256(source);
        Supernode sn = nodes.supernode("sn-1");
        List<Agent> agents = new ArrayList<>();
        for (int i = 1; i <= 5; i++) agents.add(nodes.agent("agent-" + i, List.of(sn), "--download-rate", RATE));
        agents.forEach(Agent::awaitJoined);

        List<AgentDownload> downloads = new ArrayList<>();
        for (Agent a : agents) downloads.add(a.get(url, target(a)));
        Agent victim = agents.get(4);
        AgentDownload victimDownload = downloads.get(4);
        Await.until(victim.name() + " to hold a third of the file", Duration.ofSeconds(60), () -> victimDownload.bytes() >= SIZE / 3);
        victim.process().kill();
        long heldAtKill = victimDownload.bytes();
        assertThat(heldAtKill).as("killed mid-transfer").isLessThan(SIZE);
        assertThat(victimDownload.awaitResult(Duration.ofSeconds(10)).path("event").asText()).isEqualTo("lost");

        for (int i = 0; i < 4; i++) {
            JsonNode r = downloads.get(i).awaitResult(Duration.ofSeconds(60));
            assertThat(r.path("success").asBoolean()).as(agents.get(i).name() + ": " + r).isTrue();
            assertThat(TestFiles.sha256(target(agents.get(i)))).isEqualTo(digest);
        }
        assertThat(target(victim)).doesNotExist();

        victim.restart().awaitJoined();
        JsonNode resumed = victim.get(url, target(victim)).awaitResult(Duration.ofSeconds(60));
        assertThat(resumed.path("success").asBoolean()).as(resumed.toString()).isTrue();
        assertThat(resumed.path("reusedBytes").asLong()).as("bytes found verified in the piece store").isPositive();
        assertThat(resumed.path("receivedBytes").asLong()).as("bytes fetched again").isLessThan(SIZE);
        assertThat(resumed.path("receivedBytes").asLong() + resumed.path("reusedBytes").asLong()).isGreaterThanOrEqualTo(SIZE);
        assertThat(TestFiles.sha256(target(victim))).isEqualTo(digest);
    }

    private Path target(Agent a) {
        return nodes.outDir().resolve(a.name() + ".bin");
    }
}
