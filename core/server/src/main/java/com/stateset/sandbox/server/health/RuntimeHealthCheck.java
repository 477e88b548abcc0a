package com.stateset.sandbox.server.health;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.health.HealthCheck;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;

/** Whether the sandbox runtime's engine answers. */
public final class RuntimeHealthCheck extends HealthCheck {

    private final SandboxRuntime runtime;

    public RuntimeHealthCheck(SandboxRuntime runtime) {
        this.runtime = requireNonNull(runtime, "runtime is null");
    }

    @Override
    protected Result check() {
        try {
            runtime.ping();
            return Result.healthy();
        } catch (RuntimeException e) {
            return Result.unhealthy(e.getMessage());
        }
    }
}
