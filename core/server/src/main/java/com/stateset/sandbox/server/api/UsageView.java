package com.stateset.sandbox.server.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** Usage of an organization's sandboxes, and what it would cost at the configured rates. */
public final class UsageView {

    private UsageView() {
    }

    /** {@code GET /usage/current}: the calendar month so far. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Current(String periodStart, String periodEnd, double cpuHours, double memoryGbHours, double networkGb,
            double storageGb, int sandboxCreations, double estimatedCostCents, Breakdown breakdown) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Breakdown(double cpuCents, double memoryCents, double networkCents, double storageCents) {
    }

    /** {@code GET /usage/history}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record History(String granularity, String startDate, String endDate, List<Bucket> data) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Bucket(String periodStart, String periodEnd, double cpuHours, double memoryGbHours, double networkGb,
            int sandboxCreations) {
    }
}
