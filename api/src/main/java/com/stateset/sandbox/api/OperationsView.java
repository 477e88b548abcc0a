package com.stateset.sandbox.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/** How the installation's machinery is doing: the warm pool and the event delivery queue. */
public final class OperationsView {

    private OperationsView() {
    }

    /** {@code GET /pool/stats}: pooled sandboxes held ({@code total}), ready to claim, and starting. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Pool(boolean enabled, int total, int ready, int creating, int target, Map<String, PoolTemplate> templates) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PoolTemplate(int target, int ready, int creating) {
    }

    /**
     * {@code GET /queue/health}: the organization's event deliveries. {@code depth} is what waits
     * (pending or being delivered); counts of the last 24 hours; {@code status} is {@code healthy},
     * or {@code backlogged} when a delivery has waited longer than five minutes.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Queue(String status, String queue, long depth, long pending, long delivering,
            @JsonProperty("delivered_24h") long delivered24h, @JsonProperty("failed_24h") long failed24h,
            Long oldestPendingAgeMs, int workers) {
    }
}
