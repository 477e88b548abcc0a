package com.stateset.sandbox.server.events;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.OperationsView;
import com.stateset.sandbox.server.auth.Caller;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** The state of an organization's share of the outbox's delivery queue. */
public final class DeliveryQueue {

    private static final Duration BACKLOGGED = Duration.ofMinutes(5);

    private final Jdbi jdbi;
    private final Clock clock;
    private final int workers;

    public DeliveryQueue(Jdbi jdbi, Clock clock, int workers) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.workers = workers;
    }

    public OperationsView.Queue health(Caller caller) {
        long now = clock.millis();
        return jdbi.withHandle(handle -> {
            Map<String, Long> waiting = handle.createQuery("SELECT status, COUNT(*) AS n FROM deliveries"
                            + " WHERE org_id = :org AND status IN ('pending', 'delivering') GROUP BY status")
                    .bind("org", caller.orgId())
                    .reduceRows(new HashMap<>(), (counts, row) -> {
                        counts.put(row.getColumn("status", String.class), row.getColumn("n", Long.class));
                        return counts;
                    });
            Map<String, Long> finished = handle.createQuery("SELECT status, COUNT(*) AS n FROM deliveries"
                            + " WHERE org_id = :org AND status IN ('delivered', 'failed') AND created_at >= :since GROUP BY status")
                    .bind("org", caller.orgId())
                    .bind("since", now - Duration.ofDays(1).toMillis())
                    .reduceRows(new HashMap<>(), (counts, row) -> {
                        counts.put(row.getColumn("status", String.class), row.getColumn("n", Long.class));
                        return counts;
                    });
            Long oldest = handle.createQuery("SELECT MIN(created_at) FROM deliveries"
                            + " WHERE org_id = :org AND status IN ('pending', 'delivering')")
                    .bind("org", caller.orgId())
                    .mapTo(Long.class).findOne().orElse(null);
            long pending = waiting.getOrDefault("pending", 0L);
            long delivering = waiting.getOrDefault("delivering", 0L);
            Long age = oldest == null ? null : Math.max(0, now - oldest);
            String status = age != null && age > BACKLOGGED.toMillis() ? "backlogged" : "healthy";
            return new OperationsView.Queue(status, "event-deliveries", pending + delivering, pending, delivering,
                    finished.getOrDefault("delivered", 0L), finished.getOrDefault("failed", 0L), age, workers);
        });
    }
}
