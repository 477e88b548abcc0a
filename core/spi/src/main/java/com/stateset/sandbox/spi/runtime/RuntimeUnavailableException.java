package com.stateset.sandbox.spi.runtime;

/** The engine behind the runtime cannot be reached or does not answer. */
public class RuntimeUnavailableException extends SandboxRuntimeException {

    public RuntimeUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
