package com.stateset.sandbox.spi.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One command to run in a sandbox.
 *
 * @param argv the program and its arguments, run without a shell
 * @param env variables added to the sandbox's environment for this command
 * @param workingDir absolute working directory; null means {@link SandboxRuntime#WORKSPACE}
 * @param timeout how long the command may run before it is killed
 */
public record ExecSpec(List<String> argv, Map<String, String> env, String workingDir, Duration timeout) {

    public ExecSpec {
        argv = List.copyOf(requireNonNull(argv, "argv is null"));
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv is empty");
        }
        env = Map.copyOf(requireNonNull(env, "env is null"));
        requireNonNull(timeout, "timeout is null");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }
}
