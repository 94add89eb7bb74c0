package io.darner.agent.bench.kernel;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Hosts as network namespaces on one Linux bridge, as BENCHMARKS.md describes: host {@code 0} is
 * the source, {@code 1..N} the nodes; each has an {@code eth0} (a veth whose other end is a port of
 * the bridge) with address 10.213.0.(i+1)/24. Upload is capped with {@code tbf} on eth0 (egress of
 * the host), download with {@code htb} on the bridge port (egress towards the host). Every host
 * gets permanent ARP entries for every other one: the neighbour table is shared by all namespaces
 * and overflows at 1024 entries otherwise. The bridge and the veths' bridge ends live in a
 * namespace of their own, the switch ({@link #switchNs()}), with bridge netfilter off there (a
 * per-namespace setting): a switch does not run the machine's iptables rules, and nothing is added
 * to the machine's own namespace. The bridge has no address: traffic stays between the
 * namespaces. {@link #close()} removes everything {@link #create} made, and is safe to call twice.
 */
final class Topology implements AutoCloseable {
    private final String id;
    private final int hosts;
    private final Set<String> namespaces = new HashSet<>();

    Topology(String id, int hosts) {
        if (hosts > 250) throw new IllegalArgumentException("at most 249 nodes");
        this.id = id;
        this.hosts = hosts;
    }

    String id() {
        return id;
    }

    String ns(int host) {
        return "dkb-" + id + "-" + (host == 0 ? "src" : "n" + host);
    }

    /** The namespace of the bridge. */
    String switchNs() {
        return "dkb-" + id + "-sw";
    }

    String ip(int host) {
        return "10.213.0." + (host + 1);
    }

    String bridge() {
        return "dkb" + id + "br";
    }

    private String hostVeth(int host) {
        return "dkb" + id + "v" + host;
    }

    private String peerVeth(int host) {
        return "dkb" + id + "p" + host;
    }

    private String mac(int host) {
        return String.format(Locale.ROOT, "02:da:%s:%s:00:%02x", id.substring(0, 2), id.substring(2, 4), host);
    }

    /** Creates the namespaces, links, caps (bytes per second; upload[i], download[i] for host i) and ARP entries. */
    synchronized void create(long[] upload, long[] download) {
        Procs.run(List.of("ip", "netns", "add", switchNs()));
        namespaces.add(switchNs());
        // only present while br_netfilter is loaded; without it the bridge runs no iptables anyway
        Procs.tryRun(List.of("ip", "netns", "exec", switchNs(), "sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=0",
                "net.bridge.bridge-nf-call-ip6tables=0", "net.bridge.bridge-nf-call-arptables=0"), null);
        StringBuilder switchBatch = new StringBuilder();
        switchBatch.append("link add ").append(bridge()).append(" type bridge forward_delay 0\n");
        switchBatch.append("link set ").append(bridge()).append(" up\n");
        StringBuilder rootBatch = new StringBuilder();
        for (int h = 0; h < hosts; h++) {
            Procs.run(List.of("ip", "netns", "add", ns(h)));
            namespaces.add(ns(h));
            rootBatch.append("link add ").append(hostVeth(h)).append(" netns ").append(switchNs())
                    .append(" type veth peer name ").append(peerVeth(h)).append(" netns ").append(ns(h)).append('\n');
            switchBatch.append("link set ").append(hostVeth(h)).append(" master ").append(bridge()).append(" up\n");
        }
        Procs.run(List.of("ip", "-batch", "-"), rootBatch.toString());
        Procs.run(List.of("ip", "-n", switchNs(), "-batch", "-"), switchBatch.toString());
        StringBuilder tcSwitch = new StringBuilder();
        for (int h = 0; h < hosts; h++) {
            StringBuilder b = new StringBuilder();
            b.append("link set lo up\n");
            b.append("link set ").append(peerVeth(h)).append(" name eth0 address ").append(mac(h)).append('\n');
            b.append("addr add ").append(ip(h)).append("/24 dev eth0\n");
            b.append("link set eth0 up\n");
            for (int o = 0; o < hosts; o++) {
                if (o != h) b.append("neigh replace ").append(ip(o)).append(" lladdr ").append(mac(o)).append(" dev eth0 nud permanent\n");
            }
            Procs.run(List.of("ip", "-n", ns(h), "-batch", "-"), b.toString());
            Procs.run(List.of("tc", "-n", ns(h), "qdisc", "add", "dev", "eth0", "root", "tbf", "rate", bits(upload[h]),
                    "burst", "256kb", "latency", "50ms"));
            tcSwitch.append("qdisc add dev ").append(hostVeth(h)).append(" root handle 1: htb default 1\n");
            tcSwitch.append("class add dev ").append(hostVeth(h)).append(" parent 1: classid 1:1 htb rate ").append(bits(download[h]))
                    .append(" ceil ").append(bits(download[h])).append(" burst 256kb cburst 256kb\n");
        }
        Procs.run(List.of("tc", "-n", switchNs(), "-batch", "-"), tcSwitch.toString());
    }

    private static String bits(long bytesPerSecond) {
        return (bytesPerSecond * 8) + "bit";
    }

    /** Kills whatever still runs in the namespaces (only processes this benchmark started can be there), then deletes them, the bridge's with it. */
    @Override
    public synchronized void close() {
        List<String> errors = new ArrayList<>();
        for (String ns : namespaces) {
            Procs.Result pids = Procs.tryRun(List.of("ip", "netns", "pids", ns), null);
            if (pids.exit() == 0) {
                for (String pid : pids.output().trim().split("\\s+")) {
                    if (!pid.isEmpty()) ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
        StringBuilder batch = new StringBuilder();
        for (String ns : namespaces) batch.append("netns del ").append(ns).append('\n');
        // the bridge and the veths were made inside the namespaces and go with them
        if (batch.length() > 0) Procs.tryRun(List.of("ip", "-force", "-batch", "-"), batch.toString());
        Set<String> nsLeft = new HashSet<>(List.of(Procs.run(List.of("ip", "netns", "list")).split("\\s+")));
        for (String ns : namespaces) if (nsLeft.contains(ns)) errors.add("namespace " + ns);
        for (String l : presentLinks()) if (l.startsWith("dkb" + id)) errors.add("link " + l);
        namespaces.clear();
        if (!errors.isEmpty()) throw new IllegalStateException("could not remove: " + String.join(", ", errors));
    }

    static Set<String> presentLinks() {
        Set<String> names = new HashSet<>();
        for (String line : Procs.run(List.of("ip", "-o", "link", "show")).split("\n")) {
            String[] f = line.split(":\\s+", 3);
            if (f.length >= 2) names.add(f[1].replaceAll("@.*", ""));
        }
        return names;
    }
}
