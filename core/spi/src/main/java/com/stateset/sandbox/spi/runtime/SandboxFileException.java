package com.stateset.sandbox.spi.runtime;

import static java.util.Objects.requireNonNull;

/** A file operation the sandbox user's permissions or the sandbox's file system refused. */
public class SandboxFileException extends SandboxRuntimeException {

    /** Why the operation was refused. */
    public enum Reason {
        NOT_FOUND,
        PERMISSION_DENIED,
        NOT_A_REGULAR_FILE,
        NO_SPACE,
        OTHER
    }

    private final Reason reason;
    private final String path;

    public SandboxFileException(Reason reason, String path, String message) {
        super(message);
        this.reason = requireNonNull(reason, "reason is null");
        this.path = requireNonNull(path, "path is null");
    }

    public Reason reason() {
        return reason;
    }

    public String path() {
        return path;
    }
}
