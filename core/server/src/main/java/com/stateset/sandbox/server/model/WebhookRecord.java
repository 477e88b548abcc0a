package com.stateset.sandbox.server.model;

/**
 * A registered webhook. {@code events} is a JSON array of event names, or {@code ["*"]};
 * {@code headers} a JSON object of extra request headers, or null.
 */
public record WebhookRecord(String id, String orgId, String url, String events, String secret, String headers,
        boolean enabled, String disabledReason, int retryCount, long retryDelayMs, long timeoutMs, long createdAt,
        Long deletedAt) {
}
