package io.darner.engine.source;

import java.io.InputStream;
import java.net.URI;

/**
 * Where a task's bytes come from, read once by the seed (or directly by a node that cannot
 * reach any supernode). Implementations: {@code file://}, {@code http(s)://}; S3 and OCI
 * registry sources plug in through {@link Sources#register}.
 */
public interface Source {

    URI uri();

    /**
     * Opens the source for reading from byte {@code offset} (0 = the start).
     *
     * @return the stream and the total size of the content (not of the remaining bytes)
     * @throws SourceException naming the source and the cause (not found, refused, ...)
     */
    Opened open(long offset) throws SourceException;

    /**
     * An open source. {@code totalSize} is -1 when the source does not announce it. The caller
     * closes the stream; a stream that ends before {@code totalSize} is a source error the
     * caller reports.
     */
    record Opened(long totalSize, InputStream body) implements AutoCloseable {
        @Override
        public void close() {
            try {
                body.close();
            } catch (java.io.IOException ignored) {
                // closing a finished or failed stream has nothing to report
            }
        }
    }
}
