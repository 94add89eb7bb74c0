package io.darner.processors;

/** Exchange property and header names the lifecycle steps share. */
public final class Props {
    /** The authenticated {@link io.darner.processors.store.Principal}. */
    public static final String PRINCIPAL = "darner.principal";
    /** The permission the current operation needs, e.g. {@code task:create}. */
    public static final String PERMISSION = "darner.permission";
    /** The validated {@link io.darner.processors.lifecycle.TaskDraft} being created. */
    public static final String DRAFT = "darner.draft";
    /** The audit record of the current operation: action, target. */
    public static final String AUDIT_ACTION = "darner.audit.action";
    public static final String AUDIT_TARGET = "darner.audit.target";
    /** Header carrying a task id between lifecycle steps. */
    public static final String TASK_ID = "DarnerTaskId";

    private Props() {}
}
