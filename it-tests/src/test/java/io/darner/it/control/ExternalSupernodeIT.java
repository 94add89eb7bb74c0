package io.darner.it.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.darner.it.support.Await;
import io.darner.it.support.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two rooms: the server's embedded supernode serves room-1, a standalone supernode daemon serves
 * room-2 and is configured by its admin address. One task to a node of each room is handed to each
 * room's supernode, and ends SUCCEEDED only when both nodes verified the file.
 */
class ExternalSupernodeIT {
    private ControlPlane cp;

    @RegisterExtension
    final TestWatcher logsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (cp != null) System.err.println(cp.logs());
        }
    };

    @AfterEach
    void stop() {
        if (cp != null) cp.close();
    }

    @Test
    void a_task_spanning_two_rooms_goes_to_each_rooms_supernode_and_both_nodes_verify() throws Exception {
        cp = new ControlPlane(Database.H2);
        String[] room2 = cp.standaloneSupernode("sn-room-2", "room-2");
        cp.serverArg("--darner.external-supernodes.room-2=" + room2[1]).startServer();
        cp.agent("near");
        cp.agentIn("far", "room-2", room2[0]);
        cp.awaitNodes(1);
        Await.until("the room-2 node to appear in the node list", ControlPlane.STARTUP,
                () -> cp.get("/api/v1/nodes").json().path("items").size() == 2);

        Path source = TestFiles.random(cp.dir.resolve("two-rooms.bin"), 6L << 20, 11);
        String digest = TestFiles.sha256(source);
        String id = cp.createTask(source.toUri().toString(), digest, "two-rooms.bin");
        JsonNode t = cp.awaitFinished(id, Duration.ofMinutes(2));

        assertThat(t.path("state").asText()).as(cp.eventCauses(id).toString()).isEqualTo("SUCCEEDED");
        assertThat(cp.eventCauses(id)).anyMatch(e -> e.contains("2 node(s) in 2 room(s): [room-1, room-2]"));
        for (String node : new String[] {"near", "far"}) {
            assertThat(TestFiles.sha256(cp.outDir().resolve(node).resolve("two-rooms.bin"))).as(node).isEqualTo(digest);
        }
    }
}
