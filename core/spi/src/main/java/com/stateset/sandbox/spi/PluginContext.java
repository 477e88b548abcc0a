package com.stateset.sandbox.spi;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/** What the server lends an extension it creates. */
public interface PluginContext {

    /**
     * Identifies this installation (one database). Runtimes label what they create with it so
     * that two installations sharing an engine never touch each other's sandboxes.
     */
    String installId();

    /** A directory private to this extension, created by the server. */
    Path dataDirectory();

    Clock clock();

    /** A shared scheduler for short periodic work; do not block it. */
    ScheduledExecutorService scheduler();
}
