package io.darner.it.node;

import io.darner.it.support.DarnerNodes;
import io.darner.it.support.DarnerNodes.Agent;
import io.darner.it.support.DarnerNodes.Supernode;
import io.darner.it.support.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AuthAndStopIT {
    @RegisterExtension
    final DarnerNodes nodes = new DarnerNodes();

    @Test
    void an_agent_with_the_wrong_secret_is_refused_logged_on_both_sides_and_exits_non_zero() {
        Supernode sn = nodes.supernode("sn-1");
        Agent intruder = nodes.agentWithSecret("intruder", List.of(sn), nodes.otherSecret());

        int code = intruder.process().awaitExit(Duration.ofSeconds(30));

        assertThat(code).isEqualTo(6);
        assertThat(intruder.process().log()).contains("intruder was refused").contains("wrong cluster secret");
        sn.process().awaitLog("refused node 'intruder'", Duration.ofSeconds(10));
        assertThat(sn.process().log()).contains("authentication failed (wrong cluster secret)");
        assertThat(Http.get(sn.admin("/api/nodes")).json().path("nodes")).isEmpty();
    }

    @Test
    void sigterm_stops_the_daemons_with_exit_code_0() {
        Supernode sn = nodes.supernode("sn-1");
        Agent agent = nodes.agent("agent-1", List.of(sn)).awaitJoined();

        assertThat(agent.process().terminate(Duration.ofSeconds(30))).isZero();
        assertThat(sn.process().terminate(Duration.ofSeconds(30))).isZero();
    }
}
