package io.darner.it.node;

import io.darner.it.support.DarnerNodes;
import io.darner.it.support.JavaProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** `darner bench --memory` on a small file: its processes start, the line has its shape, every target verifies. */
class BenchMemoryIT {
    private static final Pattern LINE = Pattern.compile(
            "(?m)^BENCH memory size_mib=64 agents=3 agent_rss_max_mib=(\\d+) supernode_rss_max_mib=(\\d+) verified=3/3$");

    @RegisterExtension
    final DarnerNodes nodes = new DarnerNodes();

    @Test
    void the_memory_benchmark_ends_with_its_line_and_agents_stay_small() {
        JavaProcess bench = nodes.darner("bench", "bench", "--memory", "--size-mib", "64", "--dir", nodes.dir().toString());

        assertThat(bench.awaitExit(Duration.ofSeconds(120))).as(bench.log()).isZero();
        Matcher m = LINE.matcher(bench.log());
        assertThat(m.find()).as(bench.log()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).as("agent peak RSS in MiB").isPositive().isLessThanOrEqualTo(160);
        assertThat(Integer.parseInt(m.group(2))).as("supernode peak RSS in MiB").isPositive();
        assertThat(bench.log().lines().reduce((a, b) -> b).orElse("")).startsWith("BENCH memory");
    }
}
