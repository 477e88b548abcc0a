package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** A sandbox as the API shows it; {@code sandbox_id} repeats {@code id} for clients that read either. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SandboxView(
        String id,
        String sandboxId,
        String orgId,
        String sessionId,
        String status,
        String template,
        String podIp,
        String createdAt,
        String expiresAt,
        String cpus,
        String memory,
        List<String> envKeys,
        Long startupMs,
        JsonNode metadata,
        boolean network,
        String startedAt,
        String endedAt,
        String statusReason,
        String isolation,
        String image) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Listing(List<SandboxView> sandboxes, long total) {
    }

    /**
     * {@code GET /sandbox/{id}/status}: from the database only. A sandbox may live at most
     * {@code max_lifetime_seconds} from its creation (until {@code max_expires_at}); extending it
     * moves {@code expires_at} no further.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Status(String id, String sandboxId, String status, String expiresAt, String maxExpiresAt,
            long maxLifetimeSeconds, long remainingExtendSeconds, long lifetimeUsedSeconds, double lifetimeUsedPercent) {
    }
}
