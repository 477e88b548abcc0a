package com.stateset.sandbox.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/** A sandbox's resource use: now, over time, and summed up. */
public final class MetricsView {

    private MetricsView() {
    }

    /**
     * One reading. CPU is in cores (its limit the sandbox's {@code cpus}), memory and storage in
     * bytes; {@code storage} is absent where the runtime cannot tell it apart from memory (gVisor).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reading(String timestamp, Gauge cpu, Gauge memory, Storage storage, Network network) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Gauge(double usage, double limit, double percentage) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Storage(long usage, long limit) {
    }

    /** Bytes since the sandbox started. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Network(long rxBytes, long txBytes) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Current(String sandboxId, Reading metrics) {
    }

    /** Oldest first. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record History(String sandboxId, List<Reading> history) {
    }

    /**
     * Averages, highs and lows over the stored readings ({@code cpu} in cores, {@code memory} and
     * {@code storage} in bytes, {@code *_percentage} of the limits); {@code duration} is the seconds
     * they span. Null while there is no reading yet.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Summary(Map<String, Double> avg, Map<String, Double> max, Map<String, Double> min, long duration,
            int samples, String from, String to) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SummaryAnswer(String sandboxId, Summary summary) {
    }
}
