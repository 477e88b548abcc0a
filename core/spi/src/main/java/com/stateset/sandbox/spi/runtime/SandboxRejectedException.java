package com.stateset.sandbox.spi.runtime;

import static java.util.Objects.requireNonNull;

/**
 * The engine will not run the sandbox as asked, whatever the moment: what it asks for lies outside
 * what the engine allows (a Kubernetes namespace's LimitRange, say). Nothing was created. Clients
 * are told their request was invalid, with the engine's reason and the request field concerned.
 */
public class SandboxRejectedException extends SandboxRuntimeException {

    private final String field;

    /** @param field the create request's field the refusal concerns ({@code cpus}, {@code memory}, ...) */
    public SandboxRejectedException(String field, String message, Throwable cause) {
        super(message, cause);
        this.field = requireNonNull(field, "field is null");
    }

    public String field() {
        return field;
    }
}
