package com.stateset.sandbox.server.plugin;

import com.stateset.sandbox.spi.PluginContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/** What the server lends an extension. */
public record ServerPluginContext(String installId, Path dataDirectory, Clock clock, ScheduledExecutorService scheduler)
        implements PluginContext {
}
