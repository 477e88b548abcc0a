package com.stateset.sandbox.server.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** {@code GET /billing/subscription}: the organization's plan, its limits (null: none) and what it uses of them. */
public record SubscriptionView(Subscription subscription, Plan plan) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Subscription(String orgId, String plan, String status, String currentPeriodStart,
            String currentPeriodEnd, int sandboxesThisPeriod, int concurrentSandboxes, long storageBytesUsed) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Plan(String name, Integer sandboxesPerMonth, Integer concurrentSandboxes, Integer maxDurationSeconds,
            String storage, Long storageBytes) {
    }
}
