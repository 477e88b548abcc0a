package com.stateset.sandbox.api;

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
            double storageGb, int sandboxCreations, long estimatedCostCents, Breakdown breakdown) {
    }

    /** Whole cents, each rounded; the estimate is their sum. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Breakdown(long cpuCents, long memoryCents, long networkCents, long storageCents) {
    }

    /** {@code GET /usage/history}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record History(String granularity, String startDate, String endDate, List<Bucket> data) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Bucket(String periodStart, String periodEnd, double cpuHours, double memoryGbHours, double networkGb,
            int sandboxCreations) {
    }

    /** {@code GET /usage/sandboxes}: each sandbox's share of the period, most expensive first. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record BySandbox(String startDate, String endDate, List<SandboxUsage> sandboxes, long totalCostCents) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SandboxUsage(String sandboxId, String template, String status, String cpus, String memory,
            String createdAt, String startedAt, String endedAt, double cpuHours, double memoryGbHours, double networkGb,
            long estimatedCostCents) {
    }
}
