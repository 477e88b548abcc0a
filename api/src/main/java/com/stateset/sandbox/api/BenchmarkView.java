package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * Create-to-first-command on this installation: each run creates a sandbox, runs {@code true} in
 * it and stops it. {@code create_ms} is the create call, {@code first_command_ms} the command's
 * call, {@code total_ms} both: what an agent waits before its first result.
 */
public final class BenchmarkView {

    private BenchmarkView() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Sample(long createMs, long firstCommandMs, long totalMs) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Stats(long median, long p95, long min, long max) {
    }

    /** One {@code GET /benchmark}; {@code throughput_per_minute} is sandboxes brought to a first result a minute, one at a time. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Run(String id, String template, String region, int runs, String createdAt, Stats createMs,
            Stats firstCommandMs, Stats totalMs, double throughputPerMinute, List<Sample> results) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record History(List<Run> results, long total) {
    }

    /** Over every stored run of the last {@code days}: timings of all their samples together. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Summary(int days, int benchmarks, int runs, Stats createMs, Stats firstCommandMs, Stats totalMs,
            Run latest) {
    }
}
