package io.darner.it.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.darner.it.support.AgentDownload;
import io.darner.it.support.Await;
import io.darner.it.support.DarnerNodes;
import io.darner.it.support.DarnerNodes.Agent;
import io.darner.it.support.DarnerNodes.Supernode;
import io.darner.it.support.Http;
import io.darner.it.support.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Agents list two supernodes; supernodes are killed (SIGKILL) while a transfer runs. */
class FailoverIT {
    private static final long SIZE = 32L << 20;

    @RegisterExtension
    final DarnerNodes nodes = new DarnerNodes();

    @Test
    void losing_the_supernode_in_use_moves_every_agent_to_the_other_and_all_finish() {
        Path source = TestFiles.random(nodes.dir().resolve("origin/app.bin"), SIZE, 32);
        String digest = TestFiles.sha256(source);
        Supernode first = nodes.supernode("sn-a");
        Supernode second = nodes.supernode("sn-b");
        List<Agent> agents = new ArrayList<>();
        // a long fallback wait: a reconnection slowed by a busy machine must not send an agent to the source
        for (int i = 1; i <= 3; i++) {
            agents.add(nodes.agent("agent-" + i, List.of(first, second), "--download-rate", "4MB/s", "--source-fallback-after", "60s"));
        }
        agents.forEach(Agent::awaitJoined);
        assertThat(registered(first)).as("agents join the first supernode listed").hasSize(3);

        List<AgentDownload> downloads = start(agents, source);
        awaitAll(downloads, SIZE / 4);
        first.process().kill();

        for (int i = 0; i < agents.size(); i++) {
            JsonNode r = downloads.get(i).awaitResult(Duration.ofSeconds(60));
            assertThat(r.path("success").asBoolean()).as(agents.get(i).name() + ": " + r).isTrue();
            assertThat(r.path("fromSource").asBoolean()).as("finished through the swarm of the other supernode").isFalse();
            assertThat(TestFiles.sha256(target(agents.get(i)))).isEqualTo(digest);
        }
        assertThat(registered(second)).containsExactlyInAnyOrder("agent-1", "agent-2", "agent-3");
    }

    @Test
    void losing_both_supernodes_sends_agents_to_the_source_unless_forbidden() {
        Path source = TestFiles.random(nodes.dir().resolve("origin/app.bin"), SIZE, 33);
        String digest = TestFiles.sha256(source);
        // The swarm holds at most what the seed uploaded (2 MB/s, a few seconds' worth when the
        // supernodes go): the agents cannot finish from each other alone before they give up on
        // the supernodes (after 5 s); those allowed to then read the source.
        Supernode first = nodes.supernode("sn-a", "--seed-upload-rate", "2MB/s");
        Supernode second = nodes.supernode("sn-b", "--seed-upload-rate", "2MB/s");
        List<Agent> agents = new ArrayList<>();
        agents.add(nodes.agent("agent-1", List.of(first, second), "--download-rate", "4MB/s"));
        agents.add(nodes.agent("agent-2", List.of(first, second), "--download-rate", "4MB/s"));
        agents.add(nodes.agent("strict", List.of(first, second), "--download-rate", "1MB/s", "--no-source-fallback"));
        agents.forEach(Agent::awaitJoined);

        List<AgentDownload> downloads = start(agents, source);
        awaitAll(downloads, SIZE / 16);
        first.process().kill();
        second.process().kill();

        for (int i = 0; i < 2; i++) {
            JsonNode r = downloads.get(i).awaitResult(Duration.ofSeconds(60));
            assertThat(r.path("success").asBoolean()).as(agents.get(i).name() + ": " + r).isTrue();
            assertThat(r.path("fromSource").asBoolean()).as(r.toString()).isTrue();
            assertThat(r.path("message").asText()).contains("straight from the source");
            assertThat(r.path("reusedBytes").asLong() + r.path("receivedBytes").asLong()).isGreaterThanOrEqualTo(SIZE);
            assertThat(TestFiles.sha256(target(agents.get(i)))).isEqualTo(digest);
        }
        JsonNode strict = downloads.get(2).awaitResult(Duration.ofSeconds(60));
        assertThat(strict.path("success").asBoolean()).as(strict.toString()).isFalse();
        assertThat(strict.path("message").asText()).contains("no supernode reachable").contains("source fallback is off");
        assertThat(target(agents.get(2))).doesNotExist();
        assertThat(agents.get(2).process().log()).contains("source fallback is off");
    }

    private List<AgentDownload> start(List<Agent> agents, Path source) {
        List<AgentDownload> downloads = new ArrayList<>();
        for (Agent a : agents) downloads.add(a.get(source.toUri().toString(), target(a)));
        return downloads;
    }

    private static void awaitAll(List<AgentDownload> downloads, long bytes) {
        Await.until("every agent to hold " + bytes + " bytes", Duration.ofSeconds(60),
                () -> downloads.stream().allMatch(d -> d.bytes() >= bytes));
        assertThat(downloads).as("still mid-transfer").allMatch(d -> !d.result().isDone());
    }

    private static List<String> registered(Supernode sn) {
        List<String> ids = new ArrayList<>();
        Http.get(sn.admin("/api/nodes")).json().path("nodes").forEach(n -> ids.add(n.asText()));
        return ids;
    }

    private Path target(Agent a) {
        return nodes.outDir().resolve(a.name() + ".bin");
    }
}
