package io.darner.engine.source;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Objects;

/**
 * Delivers exactly the bytes {@code [position, end)} of a source or throws: an early end of the
 * underlying stream, or a failure of it, becomes an IOException naming the source and how far it
 * got. A caller can therefore trust a clean EOF. With {@code end} = -1 (size unknown) the stream
 * passes through and only counts.
 */
final class ExactLengthInputStream extends InputStream {
    private final InputStream in;
    private final URI source;
    private final long end;
    private long position;

    ExactLengthInputStream(InputStream in, URI source, long position, long end) {
        this.in = in;
        this.source = source;
        this.position = position;
        this.end = end;
    }

    /** Absolute offset of the next byte. */
    long position() {
        return position;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        if (length == 0) {
            return 0;
        }
        if (end >= 0) {
            if (position >= end) {
                return -1;
            }
            length = (int) Math.min(length, end - position);
        }
        int n;
        try {
            n = in.read(buffer, offset, length);
        } catch (IOException e) {
            throw failure(e);
        }
        if (n < 0) {
            if (end >= 0) {
                throw failure(null);
            }
            return -1;
        }
        position += n;
        return n;
    }

    @Override
    public int available() throws IOException {
        int available = in.available();
        return end < 0 ? available : (int) Math.min(available, end - position);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private IOException failure(IOException cause) {
        String of = end >= 0 ? " of " + end : "";
        String why = cause == null ? "" : ": " + cause;
        return new IOException("source " + source + ": ended after " + position + of + " bytes" + why, cause);
    }
}
