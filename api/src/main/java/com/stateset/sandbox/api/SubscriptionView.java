package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * {@code GET /billing/subscription}: the organization's plan by name, its subscription (a
 * self-hosted plan is set by the operator: always active, never cancelled at the period's end),
 * and the plan's limits (null: none) with what it uses of them.
 */
public record SubscriptionView(Subscription subscription, String plan, Limits limits) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Subscription(String id, String orgId, String plan, String status, String currentPeriodStart,
            String currentPeriodEnd, boolean cancelAtPeriodEnd, int sandboxesThisPeriod, int concurrentSandboxes,
            long storageBytesUsed) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Limits(String name, Integer sandboxesPerMonth, Integer concurrentSandboxes, Integer maxDurationSeconds,
            String storage, Long storageBytes) {
    }
}
