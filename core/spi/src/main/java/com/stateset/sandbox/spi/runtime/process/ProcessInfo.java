package com.stateset.sandbox.spi.runtime.process;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * A background process, as its sandbox's agent describes it (untrusted: it is checked for form,
 * not for truth). Its output is one log of standard output and error in the order written,
 * addressed by byte offset: {@code outputStart} is the oldest byte still kept, {@code outputEnd}
 * the number written.
 *
 * @param exit how it ended; null while it runs
 */
public record ProcessInfo(String id, long pid, List<String> argv, boolean terminal, Instant startedAt, ExitStatus exit,
        long outputStart, long outputEnd) {

    public ProcessInfo {
        requireNonNull(id, "id is null");
        argv = List.copyOf(requireNonNull(argv, "argv is null"));
        requireNonNull(startedAt, "startedAt is null");
        if (outputStart < 0 || outputStart > outputEnd) {
            throw new IllegalArgumentException("output from " + outputStart + " to " + outputEnd);
        }
    }

    public boolean running() {
        return exit == null;
    }
}
