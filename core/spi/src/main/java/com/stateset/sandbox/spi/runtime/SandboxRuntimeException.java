package com.stateset.sandbox.spi.runtime;

/** A runtime operation failed. Messages are safe to show to the sandbox's owner. */
public class SandboxRuntimeException extends RuntimeException {

    public SandboxRuntimeException(String message) {
        super(message);
    }

    public SandboxRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
