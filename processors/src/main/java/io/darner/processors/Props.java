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
    /** The kind of object the operation's path names ({@code task}, {@code cluster}, …): authorize checks its owner. */
    public static final String RESOURCE = "darner.resource";
    /** The tenant of the object the path names, once authorize has found it. */
    public static final String OBJECT_TENANT = "darner.objectTenant";
    /** The caller's network address, for the audit trail. */
    public static final String CLIENT = "darner.client";
    /** The user name a login attempt named (the actor of its audit row). */
    public static final String ACTOR = "darner.actor";
    /** Set once the current operation's outcome has been audited, so that it is not recorded twice. */
    public static final String AUDITED = "darner.audited";
    /** The tenant of a background operation's object (no principal), for its audit row. */
    public static final String TENANT = "darner.tenant";
    /** Request header the server sets to the caller's address (a client-sent one is replaced). */
    public static final String CLIENT_HEADER = "Darner-Client-Address";
    /** Header carrying a task id between lifecycle steps. */
    public static final String TASK_ID = "DarnerTaskId";

    private Props() {}
}
