package io.darner.engine.peer;

import io.darner.engine.net.Transport;
import io.darner.engine.rate.Pacer;
import io.darner.engine.store.StoredContent;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The serving half of a node (or seed): accepts data connections, checks the task token,
 * and uploads pieces from the piece store, zero copy, within the node's upload limit.
 */
public final class UploadService implements AutoCloseable {
    private final Map<String, Servable> servables = new ConcurrentHashMap<>();
    private final String nodeId;
    private final Function<String, Pacer> uploadPacerForTask;
    private final LongAdder uploadedBytes = new LongAdder();
    private final Channel server;
    private final UploadQueue queue;
    /** Bytes of pieces handed to sockets at a time (see {@link UploadQueue}). */
    static final long IN_FLIGHT_BYTES = 512 * 1024;
    /**
     * Each child connection's send buffer (Linux doubles it: one to two pieces). Left to the
     * kernel's autotuning, every child's socket soaks up megabytes and the link is shared among
     * all of them at once, each piece taking as long as all of them together; bounded, the
     * {@link UploadQueue}'s order (scarcest piece first) is what reaches the wire. Kernel harness,
     * scenario A: 0.13 s of 6.4 (docs/benchmarks.md).
     */
    static final int CHILD_SEND_BUFFER = 256 * 1024;

    UploadService(String nodeId, Transport transport, InetSocketAddress listen, Function<String, Pacer> uploadPacerForTask) {
        this.nodeId = nodeId;
        this.uploadPacerForTask = uploadPacerForTask;
        this.queue = new UploadQueue(IN_FLIGHT_BYTES, uploadPacerForTask::apply, this::countUpload);
        this.server = transport.listen(listen, CHILD_SEND_BUFFER, () -> new ChannelHandler[] {new UploadHandler(this)}).syncUninterruptibly().channel();
    }

    /** Starts a seed-side or node-side upload service for {@code nodeId} on {@code listen} (port 0 = any). */
    public static UploadService start(String nodeId, Transport transport, InetSocketAddress listen, Function<String, Pacer> uploadPacerForTask) {
        return new UploadService(nodeId, transport, listen, uploadPacerForTask);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    String nodeId() {
        return nodeId;
    }

    Pacer pacerFor(String taskId) {
        return uploadPacerForTask.apply(taskId);
    }

    UploadQueue queue() {
        return queue;
    }

    Servable servable(String taskId) {
        return servables.get(taskId);
    }

    /** Offers a task's content to peers presenting {@code token}. */
    public void offer(String taskId, byte[] token, StoredContent content, SeedPolicy seedPolicy) {
        servables.compute(taskId, (k, old) -> {
            if (old != null && old.seedPolicy == seedPolicy) {
                old.content = content;
                return old;
            }
            return new Servable(taskId, token, content, seedPolicy);
        });
        List<Runnable> waiting = awaiting.remove(taskId);
        if (waiting != null) waiting.forEach(Runnable::run);
    }

    /**
     * Runs {@code then} once this node offers the task: a peer told about this node may connect
     * a moment before this node has heard of the task itself.
     */
    void whenOffered(String taskId, Runnable then) {
        awaiting.computeIfAbsent(taskId, k -> new CopyOnWriteArrayList<>()).add(then);
        if (servables.containsKey(taskId)) {
            List<Runnable> waiting = awaiting.remove(taskId);
            if (waiting != null) waiting.forEach(Runnable::run);
        }
    }

    private final Map<String, List<Runnable>> awaiting = new ConcurrentHashMap<>();

    /** The content of a task was replaced (moved into the content-addressed store). */
    public void replaceContent(String taskId, StoredContent content) {
        Servable s = servables.get(taskId);
        if (s != null) s.content = content;
    }

    /** Stops serving a task and closes its children. */
    public void withdraw(String taskId) {
        Servable s = servables.remove(taskId);
        if (s != null) {
            for (Channel c : s.children) c.close();
        }
    }

    /** Stops serving every task whose content is {@code content} (it is being dropped from the store). */
    public void withdrawContent(StoredContent content) {
        for (Servable s : List.copyOf(servables.values())) {
            if (s.content == content) withdraw(s.taskId);
        }
    }

    public void announce(String taskId, int index) {
        Servable s = servables.get(taskId);
        if (s != null) s.announce(index);
    }

    public long uploadedBytes() {
        return uploadedBytes.sum();
    }

    public long uploadedBytes(String taskId) {
        Servable s = servables.get(taskId);
        return s == null ? 0 : s.uploadedBytes.sum();
    }

    void countUpload(Servable s, long bytes) {
        uploadedBytes.add(bytes);
        s.uploadedBytes.add(bytes);
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        for (Servable s : servables.values()) {
            for (Channel c : s.children) c.close();
        }
        servables.clear();
    }
}
