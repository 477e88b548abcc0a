package com.stateset.sandbox.server.health;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.health.HealthCheck;
import com.stateset.sandbox.spi.storage.ObjectStore;

/** Whether the object store answers. */
public final class StorageHealthCheck extends HealthCheck {

    private final ObjectStore store;

    public StorageHealthCheck(ObjectStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    @Override
    protected Result check() {
        store.ping();
        return Result.healthy();
    }
}
