package com.stateset.sandbox.server.db;

import com.stateset.sandbox.server.model.AttemptRecord;
import com.stateset.sandbox.server.model.DeliveryRecord;
import java.util.Collection;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(DeliveryRecord.class)
public interface DeliveryDao {

    String INSERT = "INSERT INTO deliveries (id, event_id, org_id, webhook_id, sink, status, attempts, next_attempt_at, created_at)"
            + " VALUES (:id, :eventId, :orgId, :webhookId, :sink, :status, :attempts, :nextAttemptAt, :createdAt)";

    @SqlUpdate(INSERT)
    void insert(@BindMethods DeliveryRecord delivery);

    /** Due deliveries, leaving out organizations and webhooks that have as many attempts in flight as they may. */
    @SqlQuery("SELECT * FROM deliveries WHERE status = 'pending' AND next_attempt_at <= :now"
            + " AND org_id NOT IN (<busyOrgs>) AND (webhook_id IS NULL OR webhook_id NOT IN (<busyWebhooks>))"
            + " ORDER BY next_attempt_at FETCH FIRST :limit ROWS ONLY")
    List<DeliveryRecord> due(@Bind("now") long now, @BindList("busyOrgs") Collection<String> busyOrgs,
            @BindList("busyWebhooks") Collection<String> busyWebhooks, @Bind("limit") int limit);

    /**
     * Takes a due delivery for its next attempt, counting the attempt now; 0 when another worker
     * took or rescheduled it first (the count it saw has moved on). The count is the claim's token.
     */
    @SqlUpdate("UPDATE deliveries SET status = 'delivering', lease_until = :leaseUntil, attempts = attempts + 1"
            + " WHERE id = :id AND status = 'pending' AND attempts = :seen AND next_attempt_at <= :now")
    int claim(@Bind("id") String id, @Bind("seen") int seen, @Bind("now") long now, @Bind("leaseUntil") long leaseUntil);

    /** Deliveries whose worker died mid-attempt (a crash): due again, to the same event id. */
    @SqlUpdate("UPDATE deliveries SET status = 'pending', lease_until = NULL WHERE status = 'delivering' AND lease_until < :now")
    int releaseExpired(@Bind("now") long now);

    /** Records the outcome of the claim whose count is {@code attempts}; 0 when that claim has lapsed. */
    @SqlUpdate("UPDATE deliveries SET status = :status, next_attempt_at = :nextAttemptAt,"
            + " lease_until = NULL, last_attempt_at = :lastAttemptAt, response_status = :responseStatus, error = :error"
            + " WHERE id = :id AND status = 'delivering' AND attempts = :attempts")
    int finishAttempt(@Bind("id") String id, @Bind("status") String status, @Bind("attempts") int attempts,
            @Bind("nextAttemptAt") long nextAttemptAt, @Bind("lastAttemptAt") long lastAttemptAt,
            @Bind("responseStatus") Integer responseStatus, @Bind("error") String error);

    @SqlUpdate("INSERT INTO delivery_attempts (delivery_id, attempt, attempted_at, duration_ms, response_status, error)"
            + " VALUES (:deliveryId, :attempt, :attemptedAt, :durationMs, :responseStatus, :error)")
    void recordAttempt(@Bind("deliveryId") String deliveryId, @Bind("attempt") int attempt,
            @Bind("attemptedAt") long attemptedAt, @Bind("durationMs") long durationMs,
            @Bind("responseStatus") Integer responseStatus, @Bind("error") String error);

    @SqlQuery("SELECT d.* FROM deliveries d WHERE d.webhook_id = :webhookId ORDER BY d.created_at DESC, d.id"
            + " FETCH FIRST :limit ROWS ONLY")
    List<DeliveryRecord> forWebhook(@Bind("webhookId") String webhookId, @Bind("limit") int limit);

    @SqlQuery("SELECT * FROM delivery_attempts WHERE delivery_id IN (<ids>) ORDER BY delivery_id, attempt")
    @RegisterConstructorMapper(AttemptRecord.class)
    List<AttemptRecord> attempts(@BindList("ids") List<String> ids);

    @SqlQuery("SELECT COUNT(*) FROM deliveries WHERE status IN ('pending', 'delivering')")
    long backlog();
}
