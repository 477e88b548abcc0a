package com.stateset.sandbox.spi.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The sandbox cannot run a command yet: the runtime is still killing what an earlier command left
 * behind (a process flood), and would kill the new command with it. Nothing ran. Clients are told
 * to retry after {@link #retryAfter()}; a retry once the sandbox has recovered runs.
 */
public class SandboxRecoveringException extends SandboxRuntimeException {

    private final Duration retryAfter;

    public SandboxRecoveringException(String sandboxId, Duration retryAfter) {
        super("sandbox " + sandboxId + " is still recovering from an earlier command's processes (a process flood,"
                + " being killed); nothing ran; try again shortly");
        this.retryAfter = requireNonNull(retryAfter, "retryAfter is null");
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
