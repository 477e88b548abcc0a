package com.stateset.sandbox.spi.runtime;

/**
 * The engine refuses what the runtime asks, as the runtime is configured, whatever the request:
 * an image that is not there to run, a runtime or permission the engine lacks. Retrying cannot
 * help; the server's operator must act. Messages say what is missing.
 */
public class RuntimeMisconfiguredException extends SandboxRuntimeException {

    public RuntimeMisconfiguredException(String message) {
        super(message);
    }

    public RuntimeMisconfiguredException(String message, Throwable cause) {
        super(message, cause);
    }
}
