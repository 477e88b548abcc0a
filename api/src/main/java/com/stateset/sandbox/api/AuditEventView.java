package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * An audit event as API.md lists it, plus who exactly called and how: {@code actor},
 * {@code api_key_id}, {@code status}, {@code request_id} and {@code client_ip}. {@code sandbox_id},
 * {@code session_id} and {@code user_id} are empty strings, never null, when there is none;
 * {@code duration} is in milliseconds.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AuditEventView(
        String id,
        String timestamp,
        String sandboxId,
        String orgId,
        String userId,
        String sessionId,
        String action,
        String resource,
        JsonNode details,
        String outcome,
        String errorMessage,
        long duration,
        String actor,
        String apiKeyId,
        int status,
        String requestId,
        String clientIp) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Listing(List<AuditEventView> events, long total) {
    }
}
