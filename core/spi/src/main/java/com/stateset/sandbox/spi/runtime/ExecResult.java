package com.stateset.sandbox.spi.runtime;

/**
 * How a command ended.
 *
 * @param exitCode the exit code; 124 when the command timed out
 * @param timedOut whether the command was killed for running past its timeout
 */
public record ExecResult(int exitCode, boolean timedOut) {

    /** The exit code reported for a command killed at its timeout, as coreutils' timeout does. */
    public static final int TIMEOUT_EXIT_CODE = 124;

    public static ExecResult timeout() {
        return new ExecResult(TIMEOUT_EXIT_CODE, true);
    }
}
