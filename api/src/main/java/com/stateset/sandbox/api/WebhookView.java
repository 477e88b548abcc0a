package com.stateset.sandbox.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * A webhook. {@code secret} is present once, in the answer that created it; {@code headers} shows
 * custom headers with their values hidden ({@code "***"}), since those may be credentials.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookView(String id, String url, Object events, String secret, boolean enabled, Map<String, String> headers,
        int retryCount, long retryDelayMs, long timeoutMs, String createdAt, String disabledReason) {

    public record Listing(List<WebhookView> webhooks) {
    }

    /** {@code POST /webhooks/{id}/test}: {@code status_code} is null when nothing answered. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TestResult(boolean success, Integer statusCode, long durationMs, String error) {
    }

    /** One delivery with the history of its attempts. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Delivery(String id, String webhookId, String eventId, String event, String status, int attempts,
            String lastAttemptAt, Integer responseStatus, String error, String createdAt, String nextAttemptAt,
            List<Attempt> attemptHistory) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Attempt(int attempt, String at, long durationMs, Integer responseStatus, String error) {
    }

    public record Deliveries(List<Delivery> deliveries) {
    }
}
