package com.stateset.sandbox.server.model;

/**
 * What one sandbox's audit events add up to. The per-kind counts are successful calls (a write of
 * three files counts once; a command that exits non-zero still executed); {@code errors} counts
 * failed calls of any kind; {@code durationMs} sums the calls' durations.
 *
 * @param firstAt the first event's time, epoch ms, or null when there is none
 * @param lastAt the last event's time, epoch ms, or null when there is none
 */
public record AuditTotals(
        long totalEvents,
        long commandsExecuted,
        long filesWritten,
        long filesRead,
        long secretsAccessed,
        long errors,
        long durationMs,
        Long firstAt,
        Long lastAt) {
}
