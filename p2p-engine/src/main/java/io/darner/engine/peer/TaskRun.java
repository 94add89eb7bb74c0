package io.darner.engine.peer;

import io.darner.engine.api.PeerConfig;
import io.darner.engine.api.TaskHandle;
import io.darner.engine.api.TaskProgress;
import io.darner.engine.api.TaskResult;
import io.darner.engine.api.TaskSpec;
import io.darner.engine.manifest.Manifest;
import io.darner.engine.manifest.PieceSizing;
import io.darner.engine.manifest.Sha256;
import io.darner.engine.protocol.Frame;
import io.darner.engine.store.InsufficientSpaceException;
import io.darner.engine.store.PieceStore;
import io.darner.engine.source.Source;
import io.darner.engine.source.SourceException;
import io.darner.engine.source.Sources;
import io.darner.engine.store.SourceIngest;
import io.darner.engine.store.StoredContent;
import io.darner.engine.store.TargetWriter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One task on one node: learns the manifest from the supernode, pulls pieces from the
 * parents the scheduler assigns (rarest first, a few requests in flight per parent, an
 * end-game for the last pieces), checks every piece's SHA-256 before it counts, then
 * exports the file atomically. All state is owned by one event loop, the one every parent
 * connection of this task is registered on.
 */
final class TaskRun implements TaskHandle {
    private static final Logger log = LoggerFactory.getLogger(TaskRun.class);
    private static final int MAX_CONNECT_ATTEMPTS = 6;

    enum State { WAITING_INFO, DOWNLOADING, COMPLETING, SUCCEEDED, FAILED }

    private final PeerNode node;
    private final TaskSpec spec;
    private final String taskId;
    private final EventLoop loop;
    private final PeerConfig.Tuning tuning;
    private final CompletableFuture<TaskResult> result = new CompletableFuture<>();
    private final List<Consumer<TaskProgress>> listeners = new CopyOnWriteArrayList<>();

    private State state = State.WAITING_INFO;
    private boolean fromSource;
    private byte[] token;
    private long size = -1;
    private int pieceSize;
    private int pieceCount;
    private byte[] hashes = new byte[0];
    private int knownHashes;
    private String contentId;
    private StoredContent content;
    /** Writes the target as pieces arrive; null when the task has no target. */
    private TargetWriter writer;

    private final BitSet have = new BitSet();
    /** Pieces with at least one request in flight. */
    private final BitSet requested = new BitSet();
    /** Pieces whose hash is known, not held and not requested: what a parent may be asked for. */
    private final BitSet wanted = new BitSet();
    private int haveCount;
    private int[] copiesInFlight = new int[0];
    /** How many connected parents hold each piece. */
    private int[] availability = new int[0];
    private final Map<String, ParentLink> parents = new HashMap<>();
    private final Set<String> banned = new HashSet<>();
    private int outstandingTotal;
    private final List<Integer> unreported = new ArrayList<>();
    private ScheduledFuture<?> timer;
    private long verifiedBytes, receivedBytes, duplicateBytes, corruptBytes, fromSeedBytes, reusedBytes;

    TaskRun(PeerNode node, TaskSpec spec, EventLoop loop) {
        this.node = node;
        this.spec = spec;
        this.taskId = spec.taskId();
        this.loop = loop;
        this.tuning = node.config().tuning();
    }

    @Override public String taskId() { return taskId; }
    @Override public CompletableFuture<TaskResult> result() { return result; }
    @Override public void onProgress(Consumer<TaskProgress> listener) { listeners.add(listener); }
    @Override public void cancel(String reason) { loop.execute(() -> fail("cancelled: " + reason, true)); }

    EventLoop loop() {
        return loop;
    }

    boolean isActive() {
        return state == State.WAITING_INFO || state == State.DOWNLOADING;
    }

    // ------------------------------------------------------------------ control-plane events

    /** Keep this task's store entries from the cache GC while the task runs; released when it ends. */
    private final List<PieceStore.Pin> pins = new CopyOnWriteArrayList<>();

    private void pin(String entry) {
        pins.add(node.store().pin(entry));
    }

    private void releasePins() {
        for (PieceStore.Pin p : pins) p.close();
        pins.clear();
    }

    void start() {
        loop.execute(() -> {
            pin(PieceStore.partialEntry(taskId));
            if (spec.expectedDigest() != null) pin(PieceStore.contentEntry(spec.expectedDigest().hex()));
            try {
                if (spec.expectedDigest() != null) {
                    var cached = node.store().findComplete(spec.expectedDigest().hex());
                    if (cached.isPresent()) {
                        finishFrom(cached.get(), true);
                        return;
                    }
                }
            } catch (IOException e) {
                log.warn("piece store lookup failed for {}: {}", taskId, e.toString());
            }
            join();
            Duration wait = node.config().sourceFallbackAfter();
            loop.schedule(this::withoutSupernode, wait == null ? PeerConfig.DEFAULT_SOURCE_FALLBACK_AFTER.toMillis() : wait.toMillis(), TimeUnit.MILLISECONDS);
            timer = loop.scheduleAtFixedRate(this::tick, tuning.progressInterval().toMillis(), tuning.progressInterval().toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    /**
     * No supernode has answered this task in time, or every supernode was lost mid-task for
     * longer than the fallback wait: fetch straight from the source (the result says so), or,
     * when the node may not, fail with the reason. Pieces already verified are kept when every
     * piece hash is known; only the missing ones are read from the source.
     */
    private void withoutSupernode() {
        if (!isActive() || node.control().isRegistered()) return;
        if (!node.config().sourceFallback()) {
            fail("no supernode reachable at " + node.config().supernodes() + " and source fallback is off", false);
            return;
        }
        boolean resumable = state == State.DOWNLOADING && knownHashes == pieceCount;
        log.info("task {} on {}: no supernode reachable; fetching {} straight from {}", taskId, node.nodeId(),
                resumable ? (pieceCount - haveCount) + " missing pieces" : "everything", spec.source());
        for (ParentLink link : List.copyOf(parents.values())) drop(link, "no supernode: reading the source", false);
        fromSource = true;
        if (resumable) {
            state = State.COMPLETING;
            BitSet missing = new BitSet(pieceCount);
            missing.set(0, pieceCount);
            missing.andNot(have);
            byte[] known = hashes.clone();
            StoredContent partial = content;
            TargetWriter w = writer;
            String knownId = contentId;
            node.blocking().execute(() -> fillFromSource(partial, w, missing, known, knownId));
            return;
        }
        if (content != null) {
            // piece hashes are still unknown: the source is read whole, as if the task had just begun
            node.upload().withdraw(taskId);
            if (writer != null) writer.abort();
            writer = null;
            try {
                content.close();
            } catch (IOException ignored) {
                // the partial stays on disk; the ingest reopens it
            }
            content = null;
        }
        state = State.COMPLETING;
        node.blocking().execute(() -> {
            try {
                SourceIngest.Result r = SourceIngest.ingest(node.store(), taskId, spec.source(), new SourceIngest.Observer() {});
                String id = r.manifest().contentId();
                if (spec.expectedDigest() != null && !spec.expectedDigest().hex().equals(id)) {
                    r.content().close();
                    node.store().discardPartial(taskId);
                    throw new SourceException(java.net.URI.create(spec.source()),
                            "content digest mismatch: expected " + spec.expectedDigest() + ", got sha256:" + id);
                }
                pin(PieceStore.contentEntry(id));
                StoredContent done = node.store().complete(r.content(), r.manifest());
                loop.execute(() -> {
                    receivedBytes = done.size();
                    finishFrom(done, false);
                });
            } catch (SourceException e) {
                loop.execute(() -> fail(e.getMessage(), false));
            } catch (IOException | RuntimeException e) {
                loop.execute(() -> fail("cannot store " + spec.source() + " in " + node.store().root() + ": " + describe(e), false));
            }
        });
    }

    /**
     * Reads the {@code missing} pieces from the source (one sequential read per run of missing
     * pieces, within the node's download cap), checks each against its manifest hash, then
     * completes the task as a download from peers would. Runs on a blocking thread; the loop
     * hears of each piece.
     */
    private void fillFromSource(StoredContent partial, TargetWriter w, BitSet missing, byte[] known, String knownId) {
        long fetched = 0;
        try {
            Source src = Sources.of(spec.source());
            for (int first = missing.nextSetBit(0); first >= 0; first = missing.nextSetBit(first)) {
                int end = missing.nextClearBit(first);
                try (Source.Opened opened = src.open((long) first * pieceSize)) {
                    if (opened.totalSize() >= 0 && opened.totalSize() != size) {
                        throw new SourceException(src.uri(), "changed size during the task (" + size + " -> " + opened.totalSize() + " bytes)");
                    }
                    byte[] buf = new byte[pieceSize];
                    for (int i = first; i < end; i++) {
                        int len = partial.pieceLength(i);
                        pace(len);
                        int got = opened.body().readNBytes(buf, 0, len);
                        if (got < len) throw new SourceException(src.uri(), "ended after " + ((long) i * pieceSize + got) + " of " + size + " bytes");
                        ByteBuffer piece = ByteBuffer.wrap(buf, 0, len);
                        if (!Arrays.equals(Sha256.of(piece.duplicate()), Arrays.copyOfRange(known, i * Sha256.LENGTH, (i + 1) * Sha256.LENGTH))) {
                            throw new SourceException(src.uri(), "piece " + i + " does not match the manifest: the source changed during the task");
                        }
                        if (w != null) w.write((long) i * pieceSize, piece.duplicate());
                        partial.writePiece(i, piece);
                        fetched += len;
                        int index = i;
                        loop.execute(() -> pieceVerified(index));
                    }
                }
                first = end;
            }
            String id = knownId != null ? knownId : Sha256.hex(partial.digestAll());
            if (spec.expectedDigest() != null && !spec.expectedDigest().hex().equals(id)) {
                throw new SourceException(src.uri(), "content digest mismatch: expected " + spec.expectedDigest() + ", got sha256:" + id);
            }
            long bytes = fetched;
            loop.execute(() -> {
                receivedBytes += bytes;
                contentId = id;
            });
            completeAndExport(partial, w, new Manifest(size, pieceSize, known, id));
        } catch (SourceException e) {
            long bytes = fetched;
            loop.execute(() -> {
                receivedBytes += bytes;
                fail(e.getMessage(), false);
            });
        } catch (IOException | RuntimeException e) {
            loop.execute(() -> fail("cannot write to the piece store in " + node.store().root() + ": " + describe(e), false));
        }
    }

    /** Waits (on a blocking thread) until the node's download cap allows {@code bytes} more. */
    private void pace(int bytes) {
        long now = System.nanoTime();
        long at = node.downloadPacer(taskId).reserve(bytes, now);
        if (at > now) java.util.concurrent.locks.LockSupport.parkNanos(at - now);
    }

    /** (Re)announces this node to its supernode, e.g. after failing over to another one. */
    void join() {
        if (isActive()) node.control().send(new Frame.JoinTask(taskId, spec.source(), spec.expectedDigestText()));
    }

    void onTaskInfo(Frame.TaskInfo info) {
        if (!isActive()) return;
        if (content != null) {
            if (info.size() != size || info.pieceSize() != pieceSize) {
                fail("the source changed size during the task (" + size + " -> " + info.size() + " bytes)", false);
            }
            token = info.token();
            // a supernode taken over after a failover knows nothing of what this node holds yet
            if (haveCount > 0) node.control().send(new Frame.Progress(taskId, verifiedBytes, have.stream().toArray()));
            return;
        }
        if (info.pieceSize() < PieceSizing.MIN_PIECE || info.pieceSize() > PieceSizing.MAX_PIECE
                || info.size() < 0 || info.size() > (long) info.pieceSize() * PieceSizing.MAX_PIECES
                || info.pieceCount() != PieceSizing.pieceCount(info.size(), info.pieceSize())) {
            fail("supernode sent an inconsistent manifest header (size " + info.size() + ", piece size " + info.pieceSize()
                    + ", " + info.pieceCount() + " pieces)", false);
            return;
        }
        token = info.token();
        size = info.size();
        pieceSize = info.pieceSize();
        pieceCount = info.pieceCount();
        hashes = new byte[pieceCount * Sha256.LENGTH];
        availability = new int[pieceCount];
        copiesInFlight = new int[pieceCount];
        try {
            content = node.store().openPartial(taskId, size, pieceSize);
        } catch (InsufficientSpaceException e) {
            fail(e.getMessage(), false);
            return;
        } catch (IOException e) {
            fail("cannot open the piece store in " + node.store().root() + ": " + e, false);
            return;
        }
        if (spec.target() != null) {
            try {
                writer = TargetWriter.open(spec.target(), taskId, size, content.dataFile());
            } catch (IOException e) {
                fail("cannot write target " + spec.target() + ": " + describe(e), false);
                return;
            }
        }
        node.upload().offer(taskId, token, content, null);
        state = State.DOWNLOADING;
        maybeFinish();
    }

    void onPieceHashes(Frame.PieceHashes ph) {
        if (content == null || !isActive()) return;
        int first = ph.firstIndex();
        int n = ph.hashes().length / Sha256.LENGTH;
        if (first != knownHashes || first + n > pieceCount) {
            if (first + n <= knownHashes) return; // a repeat after failover
            fail("supernode sent piece hashes out of order (" + first + " while expecting " + knownHashes + ")", false);
            return;
        }
        System.arraycopy(ph.hashes(), 0, hashes, first * Sha256.LENGTH, n * Sha256.LENGTH);
        knownHashes = first + n;
        if (content.claimedCount() > 0) {
            for (int i = first; i < knownHashes; i++) {
                if (!content.isClaimed(i)) continue;
                try {
                    if (content.verifyClaimed(i, hashOf(i))) {
                        if (writer != null) content.copyPieceTo(i, writer);
                        reusedBytes += content.pieceLength(i);
                        pieceVerified(i);
                    }
                } catch (IOException e) {
                    fail("cannot reuse stored piece " + i + ": " + describe(e), false);
                    return;
                }
            }
        }
        for (int i = first; i < knownHashes; i++) {
            if (!have.get(i) && !requested.get(i)) wanted.set(i);
        }
        fillRequests();
        maybeFinish();
    }

    void onContentReady(Frame.ContentReady ready) {
        if (!isActive()) return;
        if (spec.expectedDigest() != null && !spec.expectedDigest().hex().equals(ready.contentId())) {
            fail("content digest mismatch: expected " + spec.expectedDigest() + ", source has sha256:" + ready.contentId(), false);
            return;
        }
        contentId = ready.contentId();
        maybeFinish();
    }

    void onPeerList(Frame.PeerList list) {
        if (!isActive()) return;
        for (Frame.PeerAddress p : list.peers()) {
            if (p.nodeId().equals(node.nodeId()) || banned.contains(p.nodeId())) continue;
            ParentLink existing = parents.get(p.nodeId());
            if (existing != null && !existing.closed) continue;
            ParentLink link = new ParentLink(p.nodeId(), new InetSocketAddress(p.host(), p.port()), p.nodeId().startsWith(SEED_PREFIX));
            parents.put(p.nodeId(), link);
            connect(link);
        }
    }

    /** The scheduler moved this node to another parent in place of {@code peerNodeId}. */
    void onDropPeer(String peerNodeId) {
        ParentLink link = parents.get(peerNodeId);
        if (!isActive() || link == null || link.seed) return;
        drop(link, "the supernode gave this node another parent", false);
        fillRequests();
    }

    void onTaskFailed(String reason) {
        fail(reason, false);
    }

    // ------------------------------------------------------------------ data-plane events

    private void connect(ParentLink link) {
        link.attempts++;
        InetSocketAddress local = new InetSocketAddress(node.config().listen().getAddress(), 0);
        node.transport().connect(loop, local, link.address, () -> new ChannelHandler[] {new DownloadHandler(this, link)})
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) onLinkError(link, f.cause());
                });
    }

    void onLinkActive(ParentLink link, Channel ch) {
        if (!isActive() || token == null || link.dropReason != null || parents.get(link.nodeId) != link) {
            ch.close();
            return;
        }
        link.channel = ch;
        link.closed = false;
        ch.writeAndFlush(new Frame.Handshake(Frame.PROTOCOL_VERSION, taskId, token, node.nodeId()));
    }

    void onFrame(ParentLink link, Frame frame) {
        if (!isActive() || link.closed) return;
        switch (frame.type()) {
            case BITFIELD -> onBitfield(link, (Frame.Bitfield) frame);
            case HAVE -> {
                for (int index : ((Frame.Have) frame).indexes()) {
                    if (!onHave(link, index)) return;
                }
            }
            case PIECE -> onPiece(link, (Frame.Piece) frame);
            case REJECT -> onReject(link, (Frame.Reject) frame);
            case GOODBYE -> onGoodbye(link, ((Frame.Goodbye) frame).reason());
            default -> drop(link, "sent an unexpected " + frame.type(), true);
        }
    }

    private void onBitfield(ParentLink link, Frame.Bitfield bf) {
        if (bf.pieceCount() != pieceCount) {
            drop(link, "announced " + bf.pieceCount() + " pieces, the manifest has " + pieceCount, true);
            return;
        }
        BitSet bits = io.darner.engine.store.AtomicBitSet.fromWireBytes(bf.bits(), pieceCount);
        link.bits.or(bits);
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) availability[i]++;
        link.ready = true;
        link.attempts = 0;
        link.lastPieceNanos = System.nanoTime();
        if (link.seed) {
            // the seed picks pieces for us, so it must know what we already hold
            if (haveCount > 0) link.channel.writeAndFlush(new Frame.Have(have.stream().toArray()));
        }
        fillRequests();
    }

    /** @return false when the parent was dropped for it */
    private boolean onHave(ParentLink link, int index) {
        if (index < 0 || index >= pieceCount) {
            drop(link, "announced piece " + index + " of " + pieceCount, true);
            return false;
        }
        if (!link.bits.get(index)) {
            link.bits.set(index);
            availability[index]++;
        }
        if (wanted.get(index) && state == State.DOWNLOADING) fillLink(link);
        return true;
    }

    private void onReject(ParentLink link, Frame.Reject r) {
        if (r.index() < 0) {
            if (link.anyOutstanding > 0) link.anyOutstanding--;
            link.seedDryAt = knownHashes;
        } else if (link.outstanding.remove(r.index()) != null) {
            requestDone(r.index());
            if (link.bits.get(r.index())) {
                link.bits.clear(r.index());
                availability[r.index()]--;
            }
        }
        fillRequests();
    }

    private void onGoodbye(ParentLink link, String reason) {
        if (reason.startsWith("unknown task") && link.attempts < MAX_CONNECT_ATTEMPTS) {
            // the parent has not heard of the task yet: its TaskInfo is on the way
            releaseLink(link);
            link.closed = true;
            Channel ch = link.channel;
            if (ch != null) ch.close();
            loop.schedule(() -> { if (isActive() && parents.get(link.nodeId) == link) connect(link); }, 100L * link.attempts, TimeUnit.MILLISECONDS);
            return;
        }
        drop(link, "said goodbye: " + reason, !reason.startsWith("shutting down"));
    }

    private void onPiece(ParentLink link, Frame.Piece p) {
        int i = p.index();
        boolean asked = link.outstanding.remove(i) != null;
        if (asked) {
            requestDone(i);
        } else if (link.seed && link.anyOutstanding > 0) {
            link.anyOutstanding--;
            asked = true;
        }
        if (!asked || i < 0 || i >= pieceCount) {
            drop(link, "sent piece " + i + " that was not requested", true);
            return;
        }
        int length = p.data().readableBytes();
        receivedBytes += length;
        link.lastPieceNanos = System.nanoTime();
        if (link.seed) fromSeedBytes += length;
        if (have.get(i)) {
            duplicateBytes += length;
            fillRequests();
            return;
        }
        if (i >= knownHashes) {
            drop(link, "sent piece " + i + " before its hash was published", true);
            return;
        }
        // the decoder may hand a piece over in several buffers: hash and write them without joining them
        ByteBuffer[] parts = p.data().nioBuffers();
        java.security.MessageDigest md = Sha256.newDigest();
        for (ByteBuffer b : parts) md.update(b.duplicate());
        if (length != content.pieceLength(i) || !Arrays.equals(md.digest(), hashOf(i))) {
            corruptBytes += length;
            log.warn("task {}: parent {} sent a corrupt piece {}; dropping it", taskId, link.nodeId, i);
            drop(link, "sent a corrupt piece " + i, true);
            banned.add(link.nodeId);
            return;
        }
        try {
            if (writer != null) writer.write((long) i * pieceSize, parts);
        } catch (IOException e) {
            fail("cannot write target " + spec.target() + ": " + describe(e), false);
            return;
        }
        try {
            content.writePiece(i, parts);
        } catch (IOException e) {
            fail("cannot write to the piece store in " + node.store().root() + ": " + describe(e), false);
            return;
        }
        pieceVerified(i);
        cancelDuplicates(i, link);
        fillRequests();
        maybeFinish();
    }

    void onLinkClosed(ParentLink link, Channel ch) {
        if (link.channel != ch && link.channel != null) return;
        boolean wasOpen = !link.closed;
        releaseLink(link);
        link.closed = true;
        if (!isActive() || !wasOpen || parents.get(link.nodeId) != link) return;
        if (link.dropReason == null) {
            node.control().send(new Frame.PeerReport(taskId, link.nodeId, "connection closed"));
            parents.remove(link.nodeId);
        }
        fillRequests();
    }

    void onLinkError(ParentLink link, Throwable cause) {
        if (!isActive() || parents.get(link.nodeId) != link || link.channel != null && link.channel.isActive()) return;
        if (link.attempts < MAX_CONNECT_ATTEMPTS && link.channel == null) {
            loop.schedule(() -> { if (isActive() && parents.get(link.nodeId) == link) connect(link); }, 100L * link.attempts, TimeUnit.MILLISECONDS);
            return;
        }
        link.closed = true;
        parents.remove(link.nodeId);
        node.control().send(new Frame.PeerReport(taskId, link.nodeId, "unreachable: " + cause));
    }

    /** Drops a parent; {@code report} tells the scheduler so it can replace it. */
    private void drop(ParentLink link, String reason, boolean report) {
        if (link.dropReason != null) return;
        link.dropReason = reason;
        releaseLink(link);
        link.closed = true;
        parents.remove(link.nodeId);
        Channel ch = link.channel;
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(new Frame.Goodbye(reason)).addListener(ChannelFutureListener.CLOSE);
        }
        if (report) node.control().send(new Frame.PeerReport(taskId, link.nodeId, reason));
    }

    /** Forgets a parent's requests and pieces (they are asked of others). */
    private void releaseLink(ParentLink link) {
        if (link.closed) return;
        for (int i : link.outstanding.keySet()) requestDone(i);
        link.outstanding.clear();
        link.anyOutstanding = 0;
        if (link.ready) {
            for (int i = link.bits.nextSetBit(0); i >= 0; i = link.bits.nextSetBit(i + 1)) availability[i]--;
        }
        link.ready = false;
    }

    // ------------------------------------------------------------------ piece selection

    private int limitFor(ParentLink link) {
        return link.seed ? tuning.requestsAtSeed() : tuning.requestsPerParent();
    }

    private void fillRequests() {
        if (state != State.DOWNLOADING) return;
        for (ParentLink link : parents.values()) fillLink(link);
    }

    private void fillLink(ParentLink link) {
        if (!link.ready || link.closed) return;
        int limit = limitFor(link);
        if (link.seed) {
            // fresh pieces from the seed are the scarcest bytes: its requests never wait for peer slots
            while (link.anyOutstanding < limit && link.seedDryAt != knownHashes && haveCount < knownHashes) {
                link.anyOutstanding++;
                send(link, new Frame.RequestAny(knownHashes), pieceSize);
            }
            return;
        }
        while (link.inFlight() < limit && outstandingTotal < tuning.maxOutstanding()) {
            int i = pick(link);
            if (i < 0) return;
            link.outstanding.put(i, System.nanoTime());
            requested.set(i);
            wanted.clear(i);
            copiesInFlight[i]++;
            outstandingTotal++;
            send(link, new Frame.Request(i, availability[i]), content.pieceLength(i));
        }
    }

    /** Sends a request when the download cap allows the bytes it will bring. */
    private void send(ParentLink link, Frame request, int expectedBytes) {
        long now = System.nanoTime();
        long at = node.downloadPacer(taskId).reserve(expectedBytes, now);
        Channel ch = link.channel;
        if (at <= now + 200_000) {
            ch.writeAndFlush(request, ch.voidPromise());
        } else {
            loop.schedule(() -> ch.writeAndFlush(request, ch.voidPromise()), at - now, TimeUnit.NANOSECONDS);
        }
    }

    /** Rarest first among the parent's pieces we want; in the end-game, a second copy of a piece in flight elsewhere. */
    private int pick(ParentLink link) {
        int best = -1;
        int bestAvail = Integer.MAX_VALUE;
        int ties = 0;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        BitSet bits = link.bits;
        int i = wanted.nextSetBit(0);
        while (i >= 0) {
            int j = bits.nextSetBit(i);
            if (j < 0) break;
            if (j != i) {
                i = wanted.nextSetBit(j);
                continue;
            }
            int a = availability[i];
            if (a < bestAvail) {
                best = i;
                bestAvail = a;
                ties = 1;
            } else if (a == bestAvail && rnd.nextInt(++ties) == 0) {
                best = i;
            }
            i = wanted.nextSetBit(i + 1);
        }
        if (best >= 0 || pieceCount - haveCount > tuning.endgamePieces()) return best;
        int fewest = Integer.MAX_VALUE;
        for (int k = requested.nextSetBit(0); k >= 0; k = requested.nextSetBit(k + 1)) {
            if (!bits.get(k) || link.outstanding.containsKey(k) || copiesInFlight[k] >= 2) continue;
            if (copiesInFlight[k] < fewest) {
                best = k;
                fewest = copiesInFlight[k];
            }
        }
        return best;
    }

    private void requestDone(int i) {
        outstandingTotal--;
        if (--copiesInFlight[i] <= 0) {
            copiesInFlight[i] = 0;
            requested.clear(i);
            if (!have.get(i) && i < knownHashes) wanted.set(i);
        }
    }

    private void cancelDuplicates(int i, ParentLink from) {
        if (copiesInFlight[i] == 0) return;
        for (ParentLink other : parents.values()) {
            if (other != from && other.outstanding.remove(i) != null) {
                requestDone(i);
                other.channel.writeAndFlush(new Frame.Cancel(i), other.channel.voidPromise());
            }
        }
    }

    private void pieceVerified(int i) {
        if (!have.get(i)) haveCount++;
        have.set(i);
        wanted.clear(i);
        verifiedBytes += content.pieceLength(i);
        unreported.add(i);
        node.upload().announce(taskId, i);
        // the seed picks pieces for us, so it hears what we got elsewhere, a few at a time
        if (seedHaves.isEmpty()) loop.schedule(this::flushSeedHaves, Servable.HAVE_BATCH_NANOS, TimeUnit.NANOSECONDS);
        seedHaves.add(i);
    }

    private final List<Integer> seedHaves = new ArrayList<>();

    private void flushSeedHaves() {
        int[] batch = seedHaves.stream().mapToInt(Integer::intValue).toArray();
        seedHaves.clear();
        for (ParentLink link : parents.values()) {
            if (link.seed && link.ready && !link.closed) link.channel.writeAndFlush(new Frame.Have(batch), link.channel.voidPromise());
        }
    }

    private byte[] hashOf(int i) {
        return Arrays.copyOfRange(hashes, i * Sha256.LENGTH, (i + 1) * Sha256.LENGTH);
    }

    // ------------------------------------------------------------------ timers, completion

    private void tick() {
        reportProgress();
        long now = System.nanoTime();
        watchSupernode(now);
        if (state != State.DOWNLOADING) return;
        long requestTimeout = tuning.requestTimeout().toNanos();
        long stall = tuning.stallTimeout().toNanos();
        for (ParentLink link : List.copyOf(parents.values())) {
            if (!link.ready || link.closed) continue;
            // a seed that had nothing to offer is asked again: it may have read more of the source
            // since (a node that resumed or failed over already knows every hash, so "once it knows
            // more" would never come)
            if (link.seed) link.seedDryAt = -1;
            if (link.inFlight() > 0 && now - link.lastPieceNanos > stall) {
                drop(link, "stalled: no piece for " + tuning.stallTimeout().toSeconds() + " s", true);
                continue;
            }
            for (Iterator<Map.Entry<Integer, Long>> it = link.outstanding.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Integer, Long> e = it.next();
                if (now - e.getValue() > requestTimeout) {
                    it.remove();
                    requestDone(e.getKey());
                    link.channel.writeAndFlush(new Frame.Cancel(e.getKey()), link.channel.voidPromise());
                }
            }
        }
        fillRequests();
    }

    /** Since when (nanoTime) the node has had no supernode during this task; -1 while it has one. */
    private long noSupernodeSince = -1;

    /** Falls back to the source (or fails) once the node has had no supernode for the fallback wait. */
    private void watchSupernode(long now) {
        if (!isActive() || node.control().isRegistered()) {
            noSupernodeSince = -1;
            return;
        }
        if (noSupernodeSince < 0) noSupernodeSince = now;
        Duration wait = node.config().sourceFallbackAfter();
        long waitNanos = (wait == null ? PeerConfig.DEFAULT_SOURCE_FALLBACK_AFTER : wait).toNanos();
        if (now - noSupernodeSince >= waitNanos) withoutSupernode();
    }

    private void reportProgress() {
        if (unreported.isEmpty()) return;
        int[] pieces = unreported.stream().mapToInt(Integer::intValue).toArray();
        unreported.clear();
        node.control().send(new Frame.Progress(taskId, verifiedBytes, pieces));
        TaskProgress p = new TaskProgress(taskId, node.nodeId(), verifiedBytes, size, (int) parents.values().stream().filter(l -> l.ready).count());
        for (Consumer<TaskProgress> l : listeners) l.accept(p);
    }

    private void maybeFinish() {
        if (state != State.DOWNLOADING || contentId == null || haveCount < pieceCount) return;
        state = State.COMPLETING;
        for (ParentLink link : List.copyOf(parents.values())) drop(link, "done", false);
        Manifest manifest = new Manifest(size, pieceSize, hashes, contentId);
        StoredContent partial = content;
        TargetWriter w = writer;
        node.blocking().execute(() -> completeAndExport(partial, w, manifest));
    }

    /** Moves the verified content into the content-addressed store, commits the target, reports. On a blocking thread. */
    private void completeAndExport(StoredContent partial, TargetWriter w, Manifest manifest) {
        StoredContent done;
        pin(PieceStore.contentEntry(manifest.contentId()));
        try {
            done = node.store().complete(partial, manifest);
            node.upload().replaceContent(taskId, done);
        } catch (IOException | RuntimeException e) {
            loop.execute(() -> fail("cannot complete the piece store entry: " + describe(e), false));
            return;
        }
        try {
            if (w != null) w.commit();
            loop.execute(() -> {
                content = done;
                succeed();
            });
        } catch (IOException | RuntimeException e) {
            loop.execute(() -> fail("cannot write target " + spec.target() + ": " + describe(e), false));
        }
    }

    /** Exports a complete content to the target (off the event loop) and reports success. */
    private void finishFrom(StoredContent done, boolean cacheHit) {
        state = State.COMPLETING;
        this.content = done;
        this.contentId = done.manifest().contentId();
        this.size = done.size();
        if (cacheHit) {
            this.verifiedBytes = done.size();
            this.reusedBytes = done.size();
        }
        node.blocking().execute(() -> {
            try {
                if (spec.target() != null) done.exportTo(spec.target());
                loop.execute(this::succeed);
            } catch (IOException | RuntimeException e) {
                loop.execute(() -> fail("cannot write target " + spec.target() + ": " + describe(e), false));
            }
        });
    }

    private void succeed() {
        state = State.SUCCEEDED;
        stopTimer();
        releasePins();
        reportProgress();
        node.control().send(new Frame.Result(taskId, true, contentId, spec.target() == null ? "stored" : "exported to " + spec.target(), fromSource));
        result.complete(new TaskResult(taskId, node.nodeId(), true, contentId, size,
                fromSource ? "verified, fetched straight from the source (no supernode reachable)" : "verified", fromSource, stats()));
        node.finished(this);
    }

    private void fail(String reason, boolean tellSupernode) {
        if (state == State.SUCCEEDED || state == State.FAILED) return;
        state = State.FAILED;
        stopTimer();
        for (ParentLink link : List.copyOf(parents.values())) drop(link, "task ended", false);
        if (writer != null) writer.abort();
        node.upload().withdraw(taskId);
        if (content != null && !content.isComplete()) {
            try {
                content.close();
            } catch (IOException ignored) {
                // the partial stays on disk for a later resume
            }
        }
        releasePins();
        log.info("task {} failed on {}: {}", taskId, node.nodeId(), reason);
        node.control().send(new Frame.Result(taskId, false, "", reason, false));
        result.complete(new TaskResult(taskId, node.nodeId(), false, null, size, reason, fromSource, stats()));
        node.finished(this);
    }

    private void stopTimer() {
        if (timer != null) timer.cancel(false);
    }

    private TaskResult.TransferStats stats() {
        return new TaskResult.TransferStats(receivedBytes, duplicateBytes, corruptBytes, fromSeedBytes, reusedBytes);
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** Node ids of seeds start with this prefix, so children use RequestAny with them. */
    static final String SEED_PREFIX = "seed:";
}
