package com.stateset.sandbox.spi.runtime;

/** The sandbox does not exist in the engine (never created, removed, or vanished). */
public class SandboxMissingException extends SandboxRuntimeException {

    public SandboxMissingException(String sandboxId) {
        super("sandbox " + sandboxId + " does not exist in the runtime");
    }
}
