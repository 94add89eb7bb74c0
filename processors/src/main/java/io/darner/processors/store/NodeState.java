package io.darner.processors.store;

import java.util.EnumSet;
import java.util.Set;

/** One target node's part of a task. {@code VERIFIED}: its agent reported the file verified at its target path. */
public enum NodeState {
    PENDING, RUNNING, VERIFIED, FAILED, STOPPED;

    public static final Set<NodeState> FINISHED = EnumSet.of(VERIFIED, FAILED, STOPPED);

    public boolean finished() {
        return FINISHED.contains(this);
    }
}
