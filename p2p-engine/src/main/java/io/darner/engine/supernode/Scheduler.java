package io.darner.engine.supernode;

import io.darner.engine.api.TaskProgress;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.auth.ClusterSecret;
import io.darner.engine.manifest.PieceSizing;
import io.darner.engine.manifest.Sha256;
import io.darner.engine.protocol.Frame;
import io.darner.engine.supernode.SwarmState.Member;
import io.darner.engine.supernode.SwarmState.NodeEntry;
import io.darner.engine.supernode.SwarmState.TaskEntry;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Owns all swarm state on one thread; connections and the seed only send it events (the
 * public methods, which hop onto that thread). Decides each node's parents: a few per node,
 * in its room, scored by {@link ParentEvaluator}; the seed is a parent of the first
 * {@code seedFanout} nodes of a task.
 */
final class Scheduler implements Seed.Listener {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
    /** How often lagging nodes are checked for parents that have nothing left to give them. */
    static final long REBALANCE_MILLIS = 500;

    private final SupernodeConfig config;
    private final ClusterSecret secret;
    private final ScheduledExecutorService loop;
    private final SwarmState state = new SwarmState();
    private final ParentEvaluator evaluator = new ParentEvaluator();
    private Seed seed;
    private InetSocketAddress seedAddress;

    Scheduler(SupernodeConfig config) {
        this.config = config;
        this.secret = new ClusterSecret(config.secret());
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "darner-scheduler-" + config.id());
            t.setDaemon(true);
            return t;
        });
        long hb = config.heartbeat().toMillis();
        loop.scheduleAtFixedRate(this::expireSilentNodes, hb, hb, TimeUnit.MILLISECONDS);
        loop.scheduleAtFixedRate(this::rebalance, REBALANCE_MILLIS, REBALANCE_MILLIS, TimeUnit.MILLISECONDS);
    }

    void attach(Seed seed, InetSocketAddress seedAddress) {
        this.seed = seed;
        this.seedAddress = seedAddress;
    }

    ClusterSecret secret() {
        return secret;
    }

    String seedId() {
        return "seed:" + config.id();
    }

    // ------------------------------------------------------------------ node events

    void registered(Channel ch, Frame.Register r) {
        loop.execute(() -> {
            NodeEntry old = state.nodes.get(r.nodeId());
            if (old != null && old.control != ch) old.control.close();
            NodeEntry n = new NodeEntry(r, ch, System.currentTimeMillis());
            state.nodes.put(n.id, n);
            log.info("supernode {}: node {} registered (room {}, data {}:{})", config.id(), n.id, n.room, n.dataHost, n.dataPort);
            n.send(new Frame.Registered(config.id(), config.heartbeat().toMillis()));
        });
    }

    void heartbeat(String nodeId) {
        loop.execute(() -> {
            NodeEntry n = state.nodes.get(nodeId);
            if (n != null) n.lastSeenMillis = System.currentTimeMillis();
        });
    }

    void disconnected(String nodeId, Channel ch) {
        loop.execute(() -> {
            NodeEntry n = state.nodes.get(nodeId);
            if (n == null || n.control != ch) return;
            state.nodes.remove(nodeId);
            for (TaskEntry t : state.tasks.values()) {
                for (Member m : t.members.values()) {
                    if (m.parents.remove(nodeId)) replaceParents(t, m);
                }
            }
        });
    }

    private void expireSilentNodes() {
        long limit = System.currentTimeMillis() - 3 * config.heartbeat().toMillis();
        for (NodeEntry n : List.copyOf(state.nodes.values())) {
            if (n.lastSeenMillis < limit) {
                log.warn("supernode {}: node {} missed 3 heartbeats; dropping it", config.id(), n.id);
                n.send(new Frame.Goodbye("missed 3 heartbeats"));
                n.control.close();
            }
        }
    }

    void join(String nodeId, Frame.JoinTask j) {
        loop.execute(() -> {
            NodeEntry n = state.nodes.get(nodeId);
            if (n == null) return;
            TaskSpec spec;
            try {
                spec = TaskSpec.of(j.source(), j.expectedDigest(), null);
            } catch (IllegalArgumentException e) {
                n.send(new Frame.TaskFailed(j.taskId(), e.getMessage()));
                return;
            }
            if (!spec.taskId().equals(j.taskId())) {
                n.send(new Frame.TaskFailed(j.taskId(), "task id does not match its source and digest"));
                return;
            }
            // a node joining a task that already failed learns why (and reports it to whoever
            // submitted the task); only a new submit retries the source
            TaskEntry t = state.tasks.get(spec.taskId());
            if (t == null) t = task(spec);
            if (t.failure != null) {
                n.send(new Frame.TaskFailed(t.id, t.failure));
                return;
            }
            Member m = t.members.get(nodeId);
            if (m != null) forget(t, m); // a (re)joining node starts with no connections
            m = new Member(nodeId);
            t.members.put(nodeId, m);
            if (t.headerKnown()) welcome(t, m, n);
        });
    }

    void progress(String nodeId, Frame.Progress p) {
        loop.execute(() -> {
            TaskEntry t = state.tasks.get(p.taskId());
            Member m = t == null ? null : t.members.get(nodeId);
            if (m == null) return;
            for (int i : p.newPieces()) {
                if (i >= 0 && i < t.pieceCount) m.pieces.set(i);
            }
            m.verifiedBytes = p.bytesVerified();
            if (t.submitted != null) t.submitted.progress(new TaskProgress(t.id, nodeId, m.verifiedBytes, t.size, m.parents.size()));
        });
    }

    void result(String nodeId, Frame.Result r) {
        loop.execute(() -> {
            TaskEntry t = state.tasks.get(r.taskId());
            if (t == null) return;
            Member m = t.members.get(nodeId);
            if (m == null && t.submitted != null && t.submitted.targets().contains(nodeId)) {
                // a node that refused the command never joined: keep its answer for the task listing
                m = new Member(nodeId);
                t.members.put(nodeId, m);
            }
            if (m != null) {
                m.done = true;
                m.result = r;
                if (r.success()) m.pieces.set(0, t.pieceCount);
            }
            if (t.submitted != null) {
                t.submitted.outcome(new SwarmTask.NodeOutcome(nodeId, r.success(), r.success() ? r.contentId() : null, r.message()));
            }
        });
    }

    void peerReport(String nodeId, Frame.PeerReport report) {
        loop.execute(() -> {
            TaskEntry t = state.tasks.get(report.taskId());
            Member m = t == null ? null : t.members.get(nodeId);
            if (m == null) return;
            if (report.reason().contains("corrupt")) {
                log.warn("supernode {}: node {} reports {} for task {}: {}; banning it from the task", config.id(), nodeId, report.peerNodeId(), t.id, report.reason());
                t.banned.add(report.peerNodeId());
            }
            if (m.parents.remove(report.peerNodeId())) {
                Member p = t.members.get(report.peerNodeId());
                if (p != null) p.children--;
            }
            replaceParents(t, m);
        });
    }

    // ------------------------------------------------------------------ API

    CompletableFuture<SwarmTask> submit(TaskSpec spec, Map<String, Path> targets) {
        CompletableFuture<SwarmTask> f = new CompletableFuture<>();
        loop.execute(() -> {
            TaskEntry t = task(spec);
            SwarmTask s = new SwarmTask(t.id, targets.keySet());
            t.submitted = s;
            for (Map.Entry<String, Path> e : targets.entrySet()) {
                NodeEntry n = state.nodes.get(e.getKey());
                if (n == null) {
                    s.outcome(new SwarmTask.NodeOutcome(e.getKey(), false, null, "node " + e.getKey() + " is not registered with supernode " + config.id()));
                } else if (t.failure != null) {
                    s.outcome(new SwarmTask.NodeOutcome(e.getKey(), false, null, t.failure));
                } else {
                    n.send(new Frame.TaskCommand(t.id, spec.source(), spec.expectedDigestText(), e.getValue() == null ? "" : e.getValue().toString(),
                            spec.limits().taskBytesPerSecond(), spec.limits().group(), spec.limits().groupBytesPerSecond()));
                }
            }
            f.complete(s);
        });
        return f;
    }

    void cancel(String taskId, String reason) {
        loop.execute(() -> {
            TaskEntry t = state.tasks.get(taskId);
            if (t == null) return;
            // members, and targets commanded but not joined yet (the command and the cancel
            // travel in order on the same connection, so the node has the task when it reads this)
            java.util.Set<String> nodes = new java.util.LinkedHashSet<>();
            for (Member m : t.members.values()) if (!m.done) nodes.add(m.nodeId);
            if (t.submitted != null) {
                for (String target : t.submitted.targets()) {
                    Member m = t.members.get(target);
                    if (m == null || !m.done) nodes.add(target);
                }
            }
            for (String nodeId : nodes) {
                NodeEntry n = state.nodes.get(nodeId);
                if (n != null) n.send(new Frame.CancelTask(taskId, reason));
            }
        });
    }

    CompletableFuture<List<String>> nodeIds() {
        return CompletableFuture.supplyAsync(() -> List.copyOf(state.nodes.keySet()), loop);
    }

    CompletableFuture<List<TaskStatus>> tasks() {
        return CompletableFuture.supplyAsync(() -> {
            List<TaskStatus> out = new ArrayList<>();
            for (TaskEntry t : state.tasks.values()) {
                List<TaskStatus.Member> members = new ArrayList<>();
                for (Member m : t.members.values()) {
                    members.add(new TaskStatus.Member(m.nodeId, m.verifiedBytes, m.done,
                            m.result == null ? null : m.result.success(), m.result == null ? null : m.result.message(),
                            m.parents.stream().sorted().toList()));
                }
                out.add(new TaskStatus(t.id, t.source, t.expectedDigest.isEmpty() ? null : t.expectedDigest,
                        t.size, t.contentId, t.failure, members));
            }
            return out;
        }, loop);
    }

    // ------------------------------------------------------------------ seed events

    @Override
    public void header(String taskId, long size, int pieceSize) {
        loop.execute(() -> {
            TaskEntry t = state.tasks.get(taskId);
            if (t == null) return;
            t.size = size;
            t.pieceSize = pieceSize;
            t.pieceCount = PieceSizing.pieceCount(size, pieceSize);
            t.hashes = new byte[t.pieceCount * Sha256.LENGTH];
            // everyone who joined before the header first learns it, then all choose parents
            // among all of them: welcoming one by one would leave early joiners few parents
            for (Member m : t.members.values()) {
                NodeEntry n = state.nodes.get(m.nodeId);
                if (n != null) sendInfo(t, m, n);
            }
            for (Member m : t.members.values()) replaceParents(t, m);
        });
    }

    @Override
    public void hashes(String taskId, int firstIndex, byte[] hashes) {
        loop.execute(() -> {
            TaskEntry t = state.tasks.get(taskId);
            if (t == null) return;
            System.arraycopy(hashes, 0, t.hashes, firstIndex * Sha256.LENGTH, hashes.length);
            t.knownHashes = firstIndex + hashes.length / Sha256.LENGTH;
            Frame.PieceHashes frame = new Frame.PieceHashes(taskId, firstIndex, hashes);
            forEachWelcomed(t, n -> n.send(frame));
        });
    }

    @Override
    public void complete(String taskId, String contentId) {
        loop.execute(() -> {
            TaskEntry t = state.tasks.get(taskId);
            if (t == null) return;
            t.contentId = contentId;
            Frame.ContentReady frame = new Frame.ContentReady(taskId, contentId);
            forEachWelcomed(t, n -> n.send(frame));
        });
    }

    @Override
    public void failed(String taskId, String reason) {
        loop.execute(() -> {
            TaskEntry t = state.tasks.get(taskId);
            if (t == null) return;
            log.warn("supernode {}: task {} failed: {}", config.id(), taskId, reason);
            t.failure = reason;
            Frame.TaskFailed frame = new Frame.TaskFailed(taskId, reason);
            for (Member m : t.members.values()) {
                NodeEntry n = state.nodes.get(m.nodeId);
                if (n != null) n.send(frame);
            }
        });
    }

    // ------------------------------------------------------------------ decisions

    private TaskEntry task(TaskSpec spec) {
        TaskEntry t = state.tasks.get(spec.taskId());
        if (t != null && t.failure != null) {
            state.tasks.remove(t.id); // a new attempt after a failure reads the source again
            t = null;
        }
        if (t == null) {
            t = new TaskEntry(spec.taskId(), spec.source(), spec.expectedDigestText(), secret.taskToken(spec.taskId()));
            state.tasks.put(t.id, t);
            seed.start(t.id, t.source, t.expectedDigest, t.token);
        }
        return t;
    }

    private void forEachWelcomed(TaskEntry t, java.util.function.Consumer<NodeEntry> action) {
        for (Member m : t.members.values()) {
            NodeEntry n = state.nodes.get(m.nodeId);
            if (n != null && m.infoSent) action.accept(n);
        }
    }

    /** Sends a member the manifest so far and its parents; tells parent-poor members about it. */
    private void welcome(TaskEntry t, Member m, NodeEntry n) {
        sendInfo(t, m, n);
        replaceParents(t, m);
        for (Member other : t.members.values()) {
            if (m.children >= parentsPerNode(t)) break; // keeps the overlay regular: no node feeds far more children than others
            if (other == m || other.done || !other.infoSent || other.parents.size() >= parentsPerNode(t)) continue;
            NodeEntry on = state.nodes.get(other.nodeId);
            if (on == null || !on.room.equals(n.room) || t.banned.contains(m.nodeId) || other.parents.contains(m.nodeId)) continue;
            other.parents.add(m.nodeId);
            m.children++;
            on.send(new Frame.PeerList(t.id, List.of(n.address())));
        }
        adoptChildren(t, m, n);
    }

    /**
     * Makes a newcomer the parent of a few random members that already have their parents, each
     * in place of its busiest parent. Members that join together otherwise choose one another and
     * keep one another: a group that joined early (when a small swarm gives everyone many
     * parents) then hears of fresh pieces from the seed alone, while its uplinks idle. Swapping
     * one edge per adopted child keeps every member's parent count and spreads the overlay over
     * the whole swarm, whatever order the nodes joined in.
     */
    private void adoptChildren(TaskEntry t, Member m, NodeEntry n) {
        int k = parentsPerNode(t);
        int wanted = (k + 1) / 2 - m.children;
        if (wanted <= 0 || t.banned.contains(m.nodeId)) return;
        List<Member> candidates = new ArrayList<>();
        for (Member c : t.members.values()) {
            NodeEntry cn = state.nodes.get(c.nodeId);
            if (c == m || c.done || !c.infoSent || cn == null || !cn.room.equals(n.room)
                    || c.parents.size() < k || c.parents.contains(m.nodeId)) continue;
            candidates.add(c);
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        java.util.Collections.shuffle(candidates, rnd);
        for (Member c : candidates) {
            if (wanted == 0) break;
            Member busiest = null;
            int ties = 0;
            for (String p : c.parents) {
                Member pm = t.members.get(p);
                if (pm == null) continue;
                if (busiest == null || pm.children > busiest.children) {
                    busiest = pm;
                    ties = 1;
                } else if (pm.children == busiest.children && rnd.nextInt(++ties) == 0) {
                    busiest = pm;
                }
            }
            if (busiest == null) continue;
            c.parents.remove(busiest.nodeId);
            busiest.children--;
            c.parents.add(m.nodeId);
            m.children++;
            wanted--;
            NodeEntry cn = state.nodes.get(c.nodeId);
            cn.send(new Frame.DropPeer(t.id, busiest.nodeId));
            cn.send(new Frame.PeerList(t.id, List.of(n.address())));
        }
    }

    private void sendInfo(TaskEntry t, Member m, NodeEntry n) {
        m.infoSent = true;
        n.send(new Frame.TaskInfo(t.id, t.token, t.size, t.pieceSize, t.pieceCount));
        if (t.knownHashes > 0) {
            byte[] known = new byte[t.knownHashes * Sha256.LENGTH];
            System.arraycopy(t.hashes, 0, known, 0, known.length);
            n.send(new Frame.PieceHashes(t.id, 0, known));
        }
        if (t.contentId != null) n.send(new Frame.ContentReady(t.id, t.contentId));
    }

    /**
     * Parents per node: everyone in a small swarm (a full mesh of up to maxParents), fewer as the
     * swarm grows, down to {@link #MIN_PARENTS}. Every parent costs its children a HAVE per piece
     * and a connection; past a few parents a larger swarm gains more from cheaper announcements
     * than from extra paths (measured: 64 nodes finish ~15% sooner with 6 parents than with 16).
     */
    private int parentsPerNode(TaskEntry t) {
        int swarm = t.members.size();
        return Math.max(1, Math.min(config.maxParents(), Math.max(MIN_PARENTS, PARENT_EDGES / Math.max(1, swarm))));
    }

    /** Fewest parents a node gets in a large swarm. */
    static final int MIN_PARENTS = 6;
    /** Parent links the scheduler aims for in a whole swarm, before MIN_PARENTS applies. */
    static final int PARENT_EDGES = 384;

    private void forget(TaskEntry t, Member m) {
        for (String p : m.parents) {
            Member parent = t.members.get(p);
            if (parent != null) parent.children--;
        }
        if (m.seedParent) t.seedChildren--;
        t.members.remove(m.nodeId);
    }

    /** Tops a member's parents up to maxParents with the best-scored candidates. */
    private void replaceParents(TaskEntry t, Member m) {
        NodeEntry self = state.nodes.get(m.nodeId);
        if (self == null || m.done || !m.infoSent) return;
        List<Frame.PeerAddress> added = new ArrayList<>();
        if (!m.seedParent && t.seedChildren < config.seedFanout()) {
            m.seedParent = true;
            t.seedChildren++;
            added.add(new Frame.PeerAddress(seedId(), seedHost(self), seedAddress.getPort()));
        }
        int wanted = parentsPerNode(t) - m.parents.size();
        if (wanted > 0) {
            long maxUpload = state.nodes.values().stream().mapToLong(x -> x.uploadRate).max().orElse(0);
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            record Scored(Member member, NodeEntry node, double score) {}
            List<Scored> candidates = new ArrayList<>();
            for (Member c : t.members.values()) {
                NodeEntry cn = state.nodes.get(c.nodeId);
                if (!mayBecomeParent(t, m, self, c, cn) || c.children >= 2 * parentsPerNode(t)) continue;
                var cand = new ParentEvaluator.Candidate(true, cn.uploadRate, maxUpload, c.children, c.pieces, t.pieceCount);
                candidates.add(new Scored(c, cn, evaluator.score(cand, m.pieces, rnd.nextDouble())));
            }
            candidates.sort(Comparator.comparingDouble(Scored::score).reversed());
            for (Scored s : candidates.subList(0, Math.min(wanted, candidates.size()))) {
                m.parents.add(s.member.nodeId);
                s.member.children++;
                added.add(s.node.address());
            }
        }
        if (!added.isEmpty()) self.send(new Frame.PeerList(t.id, added));
    }

    /**
     * Gives a lagging node a parent that holds pieces it lacks when one of its parents has
     * nothing left to give it. Without this a node whose parents all lack the same pieces
     * waits for them to trickle in second-hand (or from the seed) while others hold them.
     */
    private void rebalance() {
        for (TaskEntry t : state.tasks.values()) {
            if (!t.headerKnown() || t.failure != null || t.pieceCount == 0) continue;
            for (Member m : t.members.values()) {
                NodeEntry self = state.nodes.get(m.nodeId);
                if (self == null || m.done || !m.infoSent) continue;
                java.util.BitSet lacking = new java.util.BitSet();
                lacking.set(0, t.pieceCount);
                lacking.andNot(m.pieces);
                if (lacking.isEmpty()) continue;
                if (lendFinishedParent(t, m, self)) continue;
                String useless = null;
                for (String p : m.parents) {
                    Member pm = t.members.get(p);
                    if (pm == null || !pm.pieces.intersects(lacking)) {
                        useless = p;
                        break;
                    }
                }
                if (useless == null) continue;
                Member best = null;
                int bestUseful = 0;
                for (Member c : t.members.values()) {
                    NodeEntry cn = state.nodes.get(c.nodeId);
                    if (!mayBecomeParent(t, m, self, c, cn)) continue;
                    java.util.BitSet u = (java.util.BitSet) c.pieces.clone();
                    u.and(lacking);
                    int useful = u.cardinality() * 4 / (4 + c.children);
                    if (useful > bestUseful) {
                        best = c;
                        bestUseful = useful;
                    }
                }
                if (best == null) continue;
                m.parents.remove(useless);
                Member old = t.members.get(useless);
                if (old != null) old.children--;
                m.parents.add(best.nodeId);
                best.children++;
                self.send(new Frame.PeerList(t.id, List.of(state.nodes.get(best.nodeId).address())));
            }
        }
    }

    /**
     * A node that finished has a whole copy and, once its own children are done, an idle
     * uplink: give it to a node still downloading (at most one per round, and never more than
     * maxParents children to a finished node), so the last nodes do not wait in busy queues.
     */
    private boolean lendFinishedParent(TaskEntry t, Member m, NodeEntry self) {
        Member best = null;
        for (Member c : t.members.values()) {
            NodeEntry cn = state.nodes.get(c.nodeId);
            if (!c.done || c.result == null || !c.result.success() || !mayBecomeParent(t, m, self, c, cn)
                    || c.children >= parentsPerNode(t)) continue;
            if (best == null || c.children < best.children) best = c;
        }
        if (best == null) return false;
        m.parents.add(best.nodeId);
        best.children++;
        self.send(new Frame.PeerList(t.id, List.of(state.nodes.get(best.nodeId).address())));
        return true;
    }

    /** A connected member of the same room (no cross-room traffic), not banned, not yet m's parent. */
    private static boolean mayBecomeParent(TaskEntry t, Member m, NodeEntry self, Member c, NodeEntry cn) {
        return c != m && cn != null && c.infoSent && !m.parents.contains(c.nodeId) && !t.banned.contains(c.nodeId)
                && cn.room.equals(self.room);
    }

    private String seedHost(NodeEntry node) {
        if (!seedAddress.getAddress().isAnyLocalAddress()) return seedAddress.getAddress().getHostAddress();
        return ((InetSocketAddress) node.control.localAddress()).getAddress().getHostAddress();
    }

    void close() {
        loop.shutdownNow();
    }
}
