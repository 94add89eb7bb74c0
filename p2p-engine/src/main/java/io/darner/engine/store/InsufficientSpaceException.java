package io.darner.engine.store;

import java.io.IOException;

/** The disk cannot hold a content; raised before any byte is written. */
public class InsufficientSpaceException extends IOException {
    public InsufficientSpaceException(String message) {
        super(message);
    }
}
