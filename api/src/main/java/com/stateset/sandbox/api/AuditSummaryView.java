package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * {@code GET /sandbox/{id}/audit/summary}: counts of successful calls by kind, failed calls as
 * {@code errors}, and {@code duration}, the sum of the calls' durations in milliseconds. The first
 * and last event times (null without events) give the span of activity.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AuditSummaryView(
        String sandboxId,
        long totalEvents,
        long commandsExecuted,
        long filesWritten,
        long filesRead,
        long secretsAccessed,
        long errors,
        long duration,
        String firstEventAt,
        String lastEventAt) {
}
