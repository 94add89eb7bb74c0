package io.darner.engine.source;

import java.io.Closeable;
import java.io.IOException;

final class Closeables {
    private Closeables() {}

    /** Closes on a path that is already failing: the first error is the one to report. */
    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already failing
        }
    }
}
