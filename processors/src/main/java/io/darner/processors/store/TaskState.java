package io.darner.processors.store;

import java.util.EnumSet;
import java.util.Set;

/** A task's life: {@code PENDING → SCHEDULED → RUNNING → VERIFYING → SUCCEEDED | PARTIAL | FAILED | STOPPED}. */
public enum TaskState {
    PENDING, SCHEDULED, RUNNING, VERIFYING, SUCCEEDED, PARTIAL, FAILED, STOPPED;

    public static final Set<TaskState> ACTIVE = EnumSet.of(PENDING, SCHEDULED, RUNNING, VERIFYING);
    public static final Set<TaskState> FINISHED = EnumSet.of(SUCCEEDED, PARTIAL, FAILED, STOPPED);

    public boolean finished() {
        return FINISHED.contains(this);
    }
}
