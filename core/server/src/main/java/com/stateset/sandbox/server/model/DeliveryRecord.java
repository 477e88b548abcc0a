package com.stateset.sandbox.server.model;

/** One event on its way to one destination: a webhook, or an operator's sink. */
public record DeliveryRecord(String id, String eventId, String orgId, String webhookId, String sink, String status,
        int attempts, long nextAttemptAt, Long leaseUntil, Long lastAttemptAt, Integer responseStatus, String error,
        long createdAt) {
}
