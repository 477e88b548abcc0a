package com.stateset.sandbox.server.api;

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
        String statusReason) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Listing(List<SandboxView> sandboxes, long total) {
    }

    /** {@code GET /sandbox/{id}/status}: from the database only. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Status(String id, String sandboxId, String status, String expiresAt) {
    }
}
