package io.darner.it.node;

import io.darner.it.support.DarnerNodes;
import io.darner.it.support.JavaProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `darner bench --policy`: two tenants' tasks under a tenant cap, a task cap and an origin cap end
 * with its line, every target verified, and no cap exceeded (a loaded machine can only make the
 * measured rates lower; how close they come is the benchmark's business, not this test's).
 */
class BenchPolicyIT {
    private static final Pattern LINE = Pattern.compile("(?m)^BENCH policy tenant_cap_mbs=20 measured_mbs=([\\d.]+) task_cap_mbs=5 "
            + "measured_task_mbs=([\\d.]+) origin_cap_mbs=30 measured_origin_mbs=([\\d.]+) verified=16/16$");

    @RegisterExtension
    final DarnerNodes nodes = new DarnerNodes();

    @Test
    void the_policy_benchmark_ends_with_its_line_and_no_cap_is_exceeded() throws Exception {
        JavaProcess bench = nodes.darner("bench", "bench", "--policy", "--dir", nodes.dir().toString());

        assertThat(bench.awaitExit(Duration.ofSeconds(180))).as(bench.log()).isZero();
        Matcher m = LINE.matcher(bench.log());
        assertThat(m.find()).as(bench.log()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).as("tenant per-node MB/s").isPositive().isLessThanOrEqualTo(22);
        assertThat(Double.parseDouble(m.group(2))).as("task MB/s").isPositive().isLessThanOrEqualTo(5.5);
        assertThat(Double.parseDouble(m.group(3))).as("origin egress MB/s").isPositive().isLessThanOrEqualTo(33);
        try (Stream<java.nio.file.Path> left = Files.list(nodes.dir())) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith("darner-bench-policy-"))).as("its work directory is gone").isEmpty();
        }
    }
}
