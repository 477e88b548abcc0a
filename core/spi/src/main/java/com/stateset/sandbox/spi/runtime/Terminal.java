package com.stateset.sandbox.spi.runtime;

import com.stateset.sandbox.spi.Experimental;
import java.util.concurrent.CompletableFuture;

/**
 * A command running on a terminal of its own in a sandbox (see {@link
 * SandboxRuntime#openTerminal}): what is typed goes in, what it writes comes out to the {@link
 * ExecOutput} it was opened with, as {@code stdout}.
 */
@Experimental
public interface Terminal extends AutoCloseable {

    /** Sends bytes as if typed. */
    void write(byte[] bytes);

    /** The terminal's new size, 1 to {@link TerminalSpec#MAX_SIDE} each way. */
    void resize(int rows, int cols);

    /**
     * Completes with the command's exit code when it ends (128 + the signal's number when one
     * ended it), or exceptionally when it could not start or the runtime lost it.
     */
    CompletableFuture<Integer> exit();

    /**
     * Hangs up: the command's process group gets SIGHUP, as when a terminal window closes, and
     * SIGKILL if it still runs a moment later. Idempotent.
     */
    @Override
    void close();
}
