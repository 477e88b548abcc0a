package com.stateset.sandbox.server.model;

/** One delivery attempt, as the delivery history shows it. */
public record AttemptRecord(String deliveryId, int attempt, long attemptedAt, long durationMs, Integer responseStatus,
        String error) {
}
