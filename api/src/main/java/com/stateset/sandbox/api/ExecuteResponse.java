package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** How a command ended; {@code truncated} (also as {@code output_truncated}) when either stream passed the output cap. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ExecuteResponse(int exitCode, String stdout, String stderr, long durationMs, boolean timedOut,
        boolean truncated, boolean outputTruncated) {

    public ExecuteResponse(int exitCode, String stdout, String stderr, long durationMs, boolean timedOut, boolean truncated) {
        this(exitCode, stdout, stderr, durationMs, timedOut, truncated, truncated);
    }
}
