package io.darner.engine.source;

import java.net.URI;

/** A source could not be read; the message names the source and the cause. */
public class SourceException extends Exception {
    private final URI source;

    public SourceException(URI source, String cause) {
        super("source " + source + ": " + cause);
        this.source = source;
    }

    public SourceException(URI source, String cause, Throwable throwable) {
        super("source " + source + ": " + cause, throwable);
        this.source = source;
    }

    public URI source() {
        return source;
    }
}
