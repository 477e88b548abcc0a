package com.stateset.sandbox.storage.gcs;

import com.stateset.sandbox.spi.PluginContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/** The context a store is created with in tests; the GCS store uses none of it. */
final class TestContext implements PluginContext {

    @Override
    public String installId() {
        return "inst_test";
    }

    @Override
    public Path dataDirectory() {
        throw new UnsupportedOperationException("the GCS store keeps no local data");
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public ScheduledExecutorService scheduler() {
        throw new UnsupportedOperationException("the GCS store schedules nothing");
    }
}
