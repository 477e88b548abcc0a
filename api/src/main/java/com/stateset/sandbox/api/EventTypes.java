package com.stateset.sandbox.api;

import java.util.List;

/** The event names of the API, each emitted at the moment it names. */
public final class EventTypes {

    public static final String SANDBOX_CREATED = "sandbox.created";
    public static final String SANDBOX_READY = "sandbox.ready";
    public static final String SANDBOX_STOPPED = "sandbox.stopped";
    public static final String SANDBOX_ERROR = "sandbox.error";
    public static final String SANDBOX_TIMEOUT = "sandbox.timeout";
    public static final String COMMAND_STARTED = "command.started";
    public static final String COMMAND_COMPLETED = "command.completed";
    public static final String COMMAND_FAILED = "command.failed";
    public static final String FILE_WRITTEN = "file.written";
    public static final String CHECKPOINT_CREATED = "checkpoint.created";
    public static final String CHECKPOINT_RESTORED = "checkpoint.restored";
    public static final String CHECKPOINT_CLONED = "checkpoint.cloned";
    public static final String CHECKPOINT_DELETED = "checkpoint.deleted";
    public static final String ARTIFACT_UPLOADED = "artifact.uploaded";
    public static final String ARTIFACT_DELETED = "artifact.deleted";
    /** A sandbox ran out of disk space (a write answered 409 INSUFFICIENT_STORAGE). */
    public static final String RESOURCE_WARNING = "resource.warning";
    /** A command was killed by the kernel (exit 137: out of memory, most likely). */
    public static final String RESOURCE_CRITICAL = "resource.critical";
    /** Accepted in subscriptions for compatibility; this server runs no MCP servers, so never sent. */
    public static final String MCP_STARTED = "mcp.started";
    public static final String MCP_STOPPED = "mcp.stopped";

    public static final List<String> ALL = List.of(SANDBOX_CREATED, SANDBOX_READY, SANDBOX_STOPPED, SANDBOX_ERROR,
            SANDBOX_TIMEOUT, COMMAND_STARTED, COMMAND_COMPLETED, COMMAND_FAILED, FILE_WRITTEN, CHECKPOINT_CREATED,
            CHECKPOINT_RESTORED, CHECKPOINT_CLONED, CHECKPOINT_DELETED, ARTIFACT_UPLOADED, ARTIFACT_DELETED,
            RESOURCE_WARNING, RESOURCE_CRITICAL, MCP_STARTED, MCP_STOPPED);

    /** What {@code POST /webhooks/{id}/test} sends; never stored. */
    public static final String WEBHOOK_TEST = "webhook.test";

    private EventTypes() {
    }
}
