package com.stateset.sandbox.spi.runtime;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * A command to run on a terminal of its own, for an interactive client.
 *
 * @param argv the program and its arguments (a login shell, say), run without a shell
 * @param env variables added to the sandbox's environment for it
 * @param workingDir absolute working directory; null means {@link SandboxRuntime#WORKSPACE}
 * @param rows the terminal's height in characters, 1 to {@link #MAX_SIDE}
 * @param cols its width, 1 to {@link #MAX_SIDE}
 */
public record TerminalSpec(List<String> argv, Map<String, String> env, String workingDir, int rows, int cols) {

    public static final int MAX_SIDE = 1000;

    public TerminalSpec {
        argv = List.copyOf(requireNonNull(argv, "argv is null"));
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv is empty");
        }
        env = Map.copyOf(requireNonNull(env, "env is null"));
        requireSide("rows", rows);
        requireSide("cols", cols);
    }

    /** Checks one side of a terminal's size. */
    public static void requireSide(String name, int value) {
        if (value < 1 || value > MAX_SIDE) {
            throw new IllegalArgumentException(name + " must be 1 to " + MAX_SIDE + ", not " + value);
        }
    }
}
