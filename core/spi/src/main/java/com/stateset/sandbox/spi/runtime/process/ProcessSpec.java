package com.stateset.sandbox.spi.runtime.process;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.spi.runtime.TerminalSpec;
import java.util.List;
import java.util.Map;

/**
 * A background process to start.
 *
 * @param argv the program and its arguments, run without a shell
 * @param env variables added to the sandbox's environment for it
 * @param workingDir absolute working directory; null means the sandbox's workspace
 * @param terminal whether it runs on a terminal of its own (its output then one stream)
 * @param rows the terminal's height (1 to {@link TerminalSpec#MAX_SIDE}); 0 without a terminal
 * @param cols its width, likewise
 * @param bufferBytes how much of its latest output is kept, {@link #MIN_BUFFER} to {@link #MAX_BUFFER}
 */
public record ProcessSpec(List<String> argv, Map<String, String> env, String workingDir, boolean terminal, int rows, int cols,
        int bufferBytes) {

    public static final int MIN_BUFFER = 1024;
    public static final int MAX_BUFFER = 64 * 1024 * 1024;

    public ProcessSpec {
        argv = List.copyOf(requireNonNull(argv, "argv is null"));
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv is empty");
        }
        env = Map.copyOf(requireNonNull(env, "env is null"));
        if (terminal) {
            TerminalSpec.requireSide("rows", rows);
            TerminalSpec.requireSide("cols", cols);
        } else if (rows != 0 || cols != 0) {
            throw new IllegalArgumentException("rows and cols are a terminal's: 0 without one");
        }
        if (bufferBytes < MIN_BUFFER || bufferBytes > MAX_BUFFER) {
            throw new IllegalArgumentException("bufferBytes must be " + MIN_BUFFER + " to " + MAX_BUFFER + ", not " + bufferBytes);
        }
    }
}
