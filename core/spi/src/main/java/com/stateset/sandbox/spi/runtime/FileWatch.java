package com.stateset.sandbox.spi.runtime;

import java.io.Closeable;
import java.util.concurrent.CompletableFuture;

/** A directory being watched; closing it stops the watch. */
public interface FileWatch extends Closeable {

    /**
     * Completes exceptionally when the watch ends by itself (the directory deleted or moved, the
     * sandbox's agent gone), with the reason; normally once closed.
     */
    CompletableFuture<Void> ended();

    @Override
    void close();
}
