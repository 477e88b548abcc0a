package com.stateset.sandbox.spi.runtime;

/** The sandbox exists in the engine, but its processes have ended (stopped, killed, evicted). */
public class SandboxNotRunningException extends SandboxRuntimeException {

    public SandboxNotRunningException(String sandboxId, String detail, Throwable cause) {
        super("sandbox " + sandboxId + " is not running" + (detail == null ? "" : ": " + detail), cause);
    }
}
