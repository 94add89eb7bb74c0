package io.darner.it.node;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** One supernode and five agents as real processes; the task goes in through the supernode's admin API. */
class DistributionIT {
    private static final long SIZE = 64L << 20;

    @RegisterExtension
    final DarnerNodes nodes = new DarnerNodes();

    @Test
    void one_supernode_and_five_agents_distribute_64_mib_and_every_target_is_the_source() {
        Path source = TestFiles.random(nodes.dir().resolve("origin/app.bin"), SIZE, 64);
        Supernode sn = nodes.supernode("sn-1");
        List<Agent> agents = new ArrayList<>();
        for (int i = 1; i <= 5; i++) agents.add(nodes.agent("agent-" + i, List.of(sn)));
        agents.forEach(Agent::awaitJoined);

        Map<String, Object> targets = new LinkedHashMap<>();
        for (Agent a : agents) targets.put(a.name(), nodes.outDir().resolve(a.name() + ".bin").toString());
        String digest = TestFiles.sha256(source);
        Http.Response submitted = Http.postJson(sn.admin("/api/tasks"),
                Map.of("source", source.toUri().toString(), "digest", digest, "targets", targets));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        String taskId = submitted.json().path("taskId").asText();

        JsonNode task = Await.value("all five agents to report a result to the supernode", Duration.ofSeconds(90), () -> {
            JsonNode t = taskOf(Http.get(sn.admin("/api/tasks")).json(), taskId);
            if (t == null || t.path("members").size() < 5) return null;
            for (JsonNode m : t.path("members")) if (!m.path("done").asBoolean()) return null;
            return t;
        });

        assertThat(task.path("size").asLong()).isEqualTo(SIZE);
        assertThat("sha256:" + task.path("contentId").asText()).isEqualTo(digest);
        for (JsonNode m : task.path("members")) {
            assertThat(m.path("success").asBoolean()).as(m.toString()).isTrue();
        }
        for (Agent a : agents) {
            assertThat(TestFiles.sha256(nodes.outDir().resolve(a.name() + ".bin"))).as(a.name()).isEqualTo(digest);
        }
    }

    @Test
    void the_admin_api_refuses_a_task_for_an_unknown_node_naming_it() {
        Path source = TestFiles.random(nodes.dir().resolve("origin/small.bin"), 1000, 1);
        Supernode sn = nodes.supernode("sn-1");
        Http.Response r = Http.postJson(sn.admin("/api/tasks"),
                Map.of("source", source.toUri().toString(), "targets", Map.of("ghost", nodes.outDir().resolve("x").toString())));
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().path("error").asText()).contains("ghost").contains("not registered");
    }

    static JsonNode taskOf(JsonNode list, String taskId) {
        for (JsonNode t : list.path("tasks")) if (taskId.equals(t.path("taskId").asText())) return t;
        return null;
    }
}
