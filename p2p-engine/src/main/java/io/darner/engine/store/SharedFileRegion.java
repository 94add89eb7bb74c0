package io.darner.engine.store;

import io.netty.channel.DefaultFileRegion;

import java.nio.channels.FileChannel;

/**
 * A zero-copy slice of a piece-store file (sendfile on both NIO and epoll transports). Unlike
 * its parent it does not close the file when released: the store keeps one open channel per
 * content and many regions share it.
 */
public final class SharedFileRegion extends DefaultFileRegion {
    public SharedFileRegion(FileChannel file, long position, long count) {
        super(file, position, count);
    }

    @Override
    protected void deallocate() {
        // the store owns the file
    }
}
