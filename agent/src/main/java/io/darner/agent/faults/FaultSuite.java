package io.darner.agent.faults;

import io.darner.agent.bench.BenchFiles;

import com.fasterxml.jackson.databind.JsonNode;
import io.darner.agent.LoopbackPorts;
import io.darner.agent.faults.LocalCluster.Download;
import io.darner.agent.faults.LocalCluster.Node;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The fault cases of issue 6, each on loopback with real supernode and agent processes of this
 * jar (caps with the agents' own --download-rate, which is all these cases need).
 */
final class FaultSuite {
    record Outcome(boolean pass, String detail) {
        static Outcome of(boolean pass, String detail) {
            return new Outcome(pass, detail);
        }
    }

    interface Case {
        Outcome run(LocalCluster c) throws Exception;
    }

    static final long SIZE = 32L << 20;

    static Map<String, Case> cases() {
        Map<String, Case> m = new LinkedHashMap<>();
        m.put("kill_20pct_agents", FaultSuite::killAgents);
        m.put("kill_supernode_in_use", FaultSuite::killSupernodeInUse);
        m.put("kill_both_supernodes", FaultSuite::killBothSupernodes);
        m.put("lying_peer", FaultSuite::lyingPeer);
        m.put("disk_full", FaultSuite::diskFull);
        m.put("control_plane_restart", FaultSuite::controlPlaneRestart);
        m.put("malformed_frame_flood", FaultSuite::frameFlood);
        return m;
    }

    // 1. kill 20% of the agents mid-transfer: every survivor finishes verified
    static Outcome killAgents(LocalCluster c) throws Exception {
        Path src = BenchFiles.random(c.dir.resolve("origin/a.bin"), SIZE, System.nanoTime());
        String digest = BenchFiles.sha256(src);
        Node sn = c.supernode("sn-1");
        List<Node> agents = new ArrayList<>();
        for (int i = 1; i <= 5; i++) agents.add(c.agent("agent-" + i, List.of(sn), "--download-rate", "4MB/s"));
        LocalCluster.awaitJoined(agents);
        List<Download> ds = start(c, agents, src, digest);
        awaitProgress(ds, SIZE / 4);
        LocalCluster.kill(agents.get(4));
        int ok = verifiedSurvivors(ds.subList(0, 4), digest);
        return Outcome.of(ok == 4, "killed=1/5 at>=25% survivors_verified=" + ok + "/4");
    }

    // 2. kill the supernode in use (two per room): all finish, time <= 1.3x the undisturbed run
    static Outcome killSupernodeInUse(LocalCluster c) throws Exception {
        Node a = c.supernode("sn-a");
        Node b = c.supernode("sn-b");
        List<Node> agents = new ArrayList<>();
        for (int i = 1; i <= 4; i++) agents.add(c.agent("agent-" + i, List.of(a, b), "--download-rate", "4MB/s"));
        LocalCluster.awaitJoined(agents);
        Path calm = BenchFiles.random(c.dir.resolve("origin/calm.bin"), SIZE, System.nanoTime());
        String calmDigest = BenchFiles.sha256(calm);
        List<Download> undisturbed = start(c, agents, calm, calmDigest);
        int okCalm = verifiedSurvivors(undisturbed, calmDigest);
        double t0 = undisturbed.stream().mapToDouble(Download::seconds).max().orElse(0);
        Path src = BenchFiles.random(c.dir.resolve("origin/b.bin"), SIZE, System.nanoTime());
        String digest = BenchFiles.sha256(src);
        List<Download> ds = start(c, agents, src, digest);
        awaitProgress(ds, SIZE / 4);
        LocalCluster.kill(a);
        int ok = verifiedSurvivors(ds, digest);
        boolean fromSource = ds.stream().anyMatch(d -> d.result.join().path("fromSource").asBoolean());
        double t1 = ds.stream().mapToDouble(Download::seconds).max().orElse(0);
        boolean pass = okCalm == 4 && ok == 4 && !fromSource && t1 <= 1.3 * t0;
        return Outcome.of(pass, String.format(Locale.ROOT, "verified=%d/4 undisturbed_s=%.1f disturbed_s=%.1f ratio=%.2f from_source=%s",
                ok, t0, t1, t1 / t0, fromSource));
    }

    // 3. kill both supernodes: all finish from the source
    static Outcome killBothSupernodes(LocalCluster c) throws Exception {
        Path src = BenchFiles.random(c.dir.resolve("origin/c.bin"), SIZE, System.nanoTime());
        String digest = BenchFiles.sha256(src);
        Node a = c.supernode("sn-a");
        Node b = c.supernode("sn-b");
        List<Node> agents = new ArrayList<>();
        for (int i = 1; i <= 3; i++) agents.add(c.agent("agent-" + i, List.of(a, b), "--download-rate", "4MB/s"));
        LocalCluster.awaitJoined(agents);
        List<Download> ds = start(c, agents, src, digest);
        awaitProgress(ds, SIZE / 4);
        LocalCluster.kill(a);
        LocalCluster.kill(b);
        int ok = verifiedSurvivors(ds, digest);
        long fromSource = ds.stream().filter(d -> d.result.join().path("fromSource").asBoolean()).count();
        return Outcome.of(ok == 3 && fromSource == 3, "verified=" + ok + "/3 from_source=" + fromSource + "/3");
    }

    // 4. a lying peer corrupting every piece it serves: no wrong file anywhere, the liar banned
    static Outcome lyingPeer(LocalCluster c) throws Exception {
        Path src = BenchFiles.random(c.dir.resolve("origin/d.bin"), SIZE, System.nanoTime());
        String digest = BenchFiles.sha256(src);
        Node sn = c.supernode("sn-1");
        Node liar = c.agent("liar", List.of(sn));
        List<Node> honest = new ArrayList<>();
        for (int i = 1; i <= 3; i++) honest.add(c.agent("agent-" + i, List.of(sn), "--download-rate", "2MB/s"));
        List<Node> all = new ArrayList<>(honest);
        all.add(liar);
        LocalCluster.awaitJoined(all);
        // the liar fetches at full speed; once it holds the content, its stored copy is overwritten
        // with random bytes of the same length, so every piece it serves from then on is wrong
        Download liarGet = LocalCluster.get(liar, src, c.out().resolve("liar.bin"), digest);
        List<Download> ds = start(c, honest, src, digest);
        JsonNode lr = liarGet.await(120);
        if (!lr.path("success").asBoolean()) return Outcome.of(false, "the liar's own download failed: " + lr.path("message").asText());
        Path data;
        try (Stream<Path> s = Files.walk(c.dir.resolve("liar").resolve("content"))) {
            data = s.filter(p -> p.getFileName().toString().equals("data")).findFirst().orElse(null);
        }
        if (data == null) return Outcome.of(false, "no stored content in the liar's piece store");
        long corrupted;
        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
            corrupted = ch.size();
            SplittableRandom r = new SplittableRandom();
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            for (long pos = 0; pos < corrupted; ) {
                buf.clear();
                while (buf.remaining() >= 8) buf.putLong(r.nextLong());
                buf.flip();
                buf.limit((int) Math.min(buf.limit(), corrupted - pos));
                pos += ch.write(buf, pos);
            }
            ch.force(true);
        }
        int ok = verifiedSurvivors(ds, digest);
        boolean banned = LocalCluster.log(c.dir.resolve("logs/sn-1.log")).contains("reports liar")
                || honest.stream().anyMatch(h -> LocalCluster.log(h).contains("parent liar sent a corrupt piece"));
        boolean wrongFile = false;
        for (Download d : ds) if (Files.exists(d.output) && !BenchFiles.sha256(d.output).equals(digest)) wrongFile = true;
        return Outcome.of(ok == 3 && banned && !wrongFile, "verified=" + ok + "/3 liar_detected_and_banned=" + banned + " wrong_files=" + (wrongFile ? "yes" : "0")
                + " corrupted_bytes_at_liar=" + corrupted);
    }

    // 5. one node's disk full (a small tmpfs): reported failed with the cause, others finish, its target untouched
    static Outcome diskFull(LocalCluster c) throws Exception {
        Path src = BenchFiles.random(c.dir.resolve("origin/e.bin"), SIZE, System.nanoTime());
        String digest = BenchFiles.sha256(src);
        Path small = Files.createDirectories(c.dir.resolve("small-disk"));
        run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", small.toString());
        try {
            Node sn = c.supernode("sn-1");
            List<Node> agents = new ArrayList<>();
            for (int i = 1; i <= 3; i++) agents.add(c.agent("agent-" + i, List.of(sn), "--download-rate", "8MB/s"));
            Node full = c.agent("full", List.of(sn), small.resolve("store"), "--download-rate", "8MB/s");
            List<Node> all = new ArrayList<>(agents);
            all.add(full);
            LocalCluster.awaitJoined(all);
            Path fullTarget = c.out().resolve("full.bin");
            List<Download> ds = start(c, agents, src, digest);
            Download fd = LocalCluster.get(full, src, fullTarget, digest);
            JsonNode fr = fd.await(120);
            int ok = verifiedSurvivors(ds, digest);
            String msg = fr.path("message").asText("");
            boolean cause = msg.toLowerCase(Locale.ROOT).contains("space") || msg.toLowerCase(Locale.ROOT).contains("disk");
            boolean untouched = !Files.exists(fullTarget);
            return Outcome.of(!fr.path("success").asBoolean() && cause && untouched && ok == 3,
                    "full_node_failed=" + !fr.path("success").asBoolean() + " cause=\"" + msg.replace('"', '\'') + "\" target_untouched=" + untouched
                            + " others_verified=" + ok + "/3");
        } finally {
            c.close();
            run("umount", small.toString());
        }
    }

    /** The control-plane server jar (case 6); null: not found. */
    static Path serverJar;

    // 6. the control-plane server restarted mid-task (SIGKILL, then started again on the same H2 data):
    //    the task ends SUCCEEDED, and no node that had verified the file is handed it again
    static Outcome controlPlaneRestart(LocalCluster c) throws Exception {
        if (serverJar == null || !Files.isRegularFile(serverJar)) {
            return Outcome.of(false, "server jar not found (" + serverJar + "): build it with `./darner server --help` or pass --server-jar");
        }
        Path src = BenchFiles.random(c.dir.resolve("origin/f.bin"), 64L << 20, System.nanoTime());
        String digest = BenchFiles.sha256(src);
        String http = LoopbackPorts.freeAddress();
        String sn = LoopbackPorts.freeAddress();
        String password = "faults-" + Long.toHexString(new java.security.SecureRandom().nextLong());
        List<String> args = List.of("server", "--server.port=" + http.substring(http.lastIndexOf(':') + 1),
                "--darner.data-dir=" + c.dir.resolve("server"), "--darner.routes-dir=" + c.dir.resolve("routes.d"),
                "--darner.supernode.listen=" + sn, "--darner.supernode.room=" + LocalCluster.ROOM,
                "--darner.supernode.secret-file=" + c.secret(), "--darner.bootstrap.admin-password=" + password);
        Server server = new Server(c, http, args, password);
        server.start(1);
        List<Node> agents = List.of(c.agentOf("node-a", sn, "--download-rate", "16MB/s"), c.agentOf("node-b", sn, "--download-rate", "16MB/s"),
                c.agentOf("node-c", sn, "--download-rate", "2MB/s"));
        for (Node a : agents) Files.createDirectories(c.out().resolve(a.name()));
        LocalCluster.await("3 nodes to join the server", 120, () -> server.call("GET", "/api/v1/nodes", null).path("items").size() >= 3);
        JsonNode created = server.call("POST", "/api/v1/tasks", "{\"source\":\"" + src.toUri() + "\",\"digest\":\"" + digest
                + "\",\"nodes\":[{\"id\":\"node-a\"},{\"id\":\"node-b\"},{\"id\":\"node-c\"}],\"target\":\""
                + c.out().resolve("{node}").resolve("f.bin") + "\"}");
        String id = created.path("id").asText();
        if (id.isEmpty()) return Outcome.of(false, "the server refused the task: " + created);
        JsonNode[] last = {null};
        try {
            LocalCluster.await("node-a and node-b verified", 180, () -> {
                JsonNode t = server.call("GET", "/api/v1/tasks/" + id, null);
                last[0] = t;
                return "VERIFIED".equals(state(t, "node-a")) && "VERIFIED".equals(state(t, "node-b"));
            });
        } catch (IllegalStateException e) {
            return Outcome.of(false, e.getMessage() + "; task: " + last[0]);
        }
        String cBefore = state(server.call("GET", "/api/v1/tasks/" + id, null), "node-c");
        server.process.destroyForcibly();
        server.process.waitFor();
        server.start(2);
        JsonNode[] done = {null};
        LocalCluster.await("task " + id + " to finish", 180, () -> {
            JsonNode t = server.call("GET", "/api/v1/tasks/" + id, null);
            if (List.of("SUCCEEDED", "PARTIAL", "FAILED", "STOPPED").contains(t.path("state").asText())) done[0] = t;
            return done[0] != null;
        });
        List<String> events = new ArrayList<>();
        for (JsonNode e : server.call("GET", "/api/v1/tasks/" + id + "/events", null).path("events")) {
            events.add(e.path("state").asText() + " " + e.path("node").asText());
        }
        long verifiedA = events.stream().filter(e -> e.equals("VERIFIED node-a")).count();
        long verifiedB = events.stream().filter(e -> e.equals("VERIFIED node-b")).count();
        int ok = 0;
        for (Node a : agents) if (Files.exists(c.out().resolve(a.name()).resolve("f.bin")) && BenchFiles.sha256(c.out().resolve(a.name()).resolve("f.bin")).equals(digest)) ok++;
        String state = done[0].path("state").asText();
        return Outcome.of("SUCCEEDED".equals(state) && "RUNNING".equals(cBefore) && verifiedA == 1 && verifiedB == 1 && ok == 3,
                "state=" + state + " node_c_at_kill=" + cBefore + " verified_events_a=" + verifiedA + " b=" + verifiedB + " files_verified=" + ok + "/3");
    }

    private static String state(JsonNode task, String node) {
        for (JsonNode n : task.path("nodes")) if (node.equals(n.path("id").asText())) return n.path("state").asText();
        return "";
    }

    /** The server jar as a process, and its REST API with the administrator's token. */
    private static final class Server {
        final LocalCluster c;
        final String http;
        final List<String> args;
        final String password;
        Process process;
        String token;

        Server(LocalCluster c, String http, List<String> args, String password) {
            this.c = c;
            this.http = http;
            this.args = args;
            this.password = password;
        }

        void start(int n) {
            process = c.startJar("server", serverJar, List.of("-Xmx768m"), args);
            token = null;
            LocalCluster.await("the server to answer /api/v1/health", 180, () -> {
                if (!process.isAlive()) throw new IllegalStateException("the server exited: " + LocalCluster.log(c.dir.resolve("logs/server.log")));
                return LocalCluster.status(http, "/api/v1/health") == 200;
            });
            token = call("POST", "/api/v1/auth/login", "{\"username\":\"admin\",\"password\":\"" + password + "\"}").path("token").asText();
        }

        JsonNode call(String method, String path, String json) {
            try {
                var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + http + path)).timeout(java.time.Duration.ofSeconds(30))
                        .method(method, json == null ? java.net.http.HttpRequest.BodyPublishers.noBody() : java.net.http.HttpRequest.BodyPublishers.ofString(json));
                if (json != null) b.header("Content-Type", "application/json");
                if (token != null) b.header("Authorization", "Bearer " + token);
                return LocalCluster.JSON.readTree(LocalCluster.HTTP.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            } catch (Exception e) {
                return LocalCluster.JSON.createObjectNode();
            }
        }
    }

    // 7. a malformed-frame flood against an agent's peer port: the agent keeps serving others
    static Outcome frameFlood(LocalCluster c) throws Exception {
        Path src = BenchFiles.random(c.dir.resolve("origin/g.bin"), SIZE, System.nanoTime());
        String digest = BenchFiles.sha256(src);
        Node sn = c.supernode("sn-1");
        Node target = c.agent("target", List.of(sn));
        List<Node> others = new ArrayList<>();
        for (int i = 1; i <= 3; i++) others.add(c.agent("agent-" + i, List.of(sn), "--download-rate", "4MB/s"));
        List<Node> all = new ArrayList<>(others);
        all.add(target);
        LocalCluster.awaitJoined(all);
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicLong connections = new AtomicLong();
        String[] hp = target.listen().split(":");
        InetSocketAddress addr = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
        List<Thread> flooders = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int seed = t;
            Thread th = new Thread(() -> {
                SplittableRandom r = new SplittableRandom(seed);
                byte[] junk = new byte[16 * 1024];
                while (flooding.get()) {
                    try (Socket s = new Socket()) {
                        s.connect(addr, 2000);
                        s.setSoTimeout(2000);
                        OutputStream o = s.getOutputStream();
                        for (int k = 0; k < junk.length; k++) junk[k] = (byte) r.nextInt();
                        if (r.nextBoolean()) { // a header claiming a huge frame, then garbage
                            o.write(new byte[]{0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
                        }
                        o.write(junk);
                        o.flush();
                        connections.incrementAndGet();
                    } catch (IOException e) {
                        connections.incrementAndGet(); // refused or reset: the agent dropped it, as it should
                    }
                }
            }, "flood-" + t);
            th.setDaemon(true);
            th.start();
            flooders.add(th);
        }
        Download td = LocalCluster.get(target, src, c.out().resolve("target.bin"), digest);
        List<Download> ds = start(c, others, src, digest);
        boolean targetOk = td.await(120).path("success").asBoolean();
        int ok = verifiedSurvivors(ds, digest);
        flooding.set(false);
        for (Thread th : flooders) th.join(5000);
        boolean alive = target.alive() && LocalCluster.status(target.http(), "/readyz") == 200;
        return Outcome.of(targetOk && ok == 3 && alive, "flood_connections=" + connections.get() + " target_alive_and_ready=" + alive
                + " target_verified=" + targetOk + " others_verified=" + ok + "/3");
    }

    // ------------------------------------------------------------------ helpers

    static List<Download> start(LocalCluster c, List<Node> agents, Path src, String digest) {
        List<Download> ds = new ArrayList<>();
        String name = src.getFileName().toString();
        for (Node a : agents) ds.add(LocalCluster.get(a, src, c.out().resolve(a.name() + "-" + name), digest));
        return ds;
    }

    static void awaitProgress(List<Download> ds, long bytes) {
        LocalCluster.await("every agent to hold " + bytes + " bytes", 120, () -> ds.stream().allMatch(d -> d.bytes.get() >= bytes || d.result.isDone()));
    }

    static int verifiedSurvivors(List<Download> ds, String digest) throws Exception {
        int ok = 0;
        for (Download d : ds) {
            JsonNode r = d.await(180);
            if (r.path("success").asBoolean() && Files.exists(d.output) && BenchFiles.sha256(d.output).equals(digest)) ok++;
        }
        return ok;
    }

    static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
    }


}
