package com.stateset.sandbox.spi.runtime.process;

import java.io.Closeable;
import java.util.concurrent.CompletableFuture;

/** A client's view of a process's output; closing it stops the output and leaves the process running. */
public interface ProcessAttachment extends Closeable {

    /**
     * Completes with the process's exit once it has exited and every byte of its log from the
     * attachment's offset has gone to the output; exceptionally if the sandbox's agent went away.
     */
    CompletableFuture<ExitStatus> exit();

    @Override
    void close();
}
