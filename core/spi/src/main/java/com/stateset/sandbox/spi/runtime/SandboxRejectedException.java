package com.stateset.sandbox.spi.runtime;

/**
 * The engine will not run the sandbox as asked, whatever the moment: what it asks for lies outside
 * what the engine allows (a Kubernetes namespace's LimitRange, say). Nothing was created. Clients
 * are told their request was invalid, with the engine's reason.
 */
public class SandboxRejectedException extends SandboxRuntimeException {

    public SandboxRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
