package io.darner.engine.store;

import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A zero-copy slice of a piece-store file. Unlike Netty's DefaultFileRegion it does not close
 * the file when released: the store keeps one open channel per content and many regions share it.
 */
public final class SharedFileRegion extends AbstractReferenceCounted implements FileRegion {
    private final FileChannel file;
    private final long position;
    private final long count;
    private long transferred;

    public SharedFileRegion(FileChannel file, long position, long count) {
        this.file = file;
        this.position = position;
        this.count = count;
    }

    @Override public long position() { return position; }
    @Override public long count() { return count; }
    @Override public long transferred() { return transferred; }
    @Deprecated @Override public long transfered() { return transferred; }

    @Override
    public long transferTo(WritableByteChannel target, long ignoredPosition) throws IOException {
        long remaining = count - transferred;
        if (remaining <= 0) return 0;
        long written = file.transferTo(position + transferred, remaining, target);
        if (written == 0 && file.size() < position + count) {
            throw new IOException("piece file shrank under a transfer: " + file.size() + " < " + (position + count));
        }
        transferred += written;
        return written;
    }

    @Override protected void deallocate() { /* the store owns the file */ }
    @Override public SharedFileRegion retain() { super.retain(); return this; }
    @Override public SharedFileRegion retain(int n) { super.retain(n); return this; }
    @Override public SharedFileRegion touch() { return this; }
    @Override public SharedFileRegion touch(Object hint) { return this; }
}
