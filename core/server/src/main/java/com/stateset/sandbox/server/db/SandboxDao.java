package com.stateset.sandbox.server.db;

import com.stateset.sandbox.server.model.SandboxRecord;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.sqlobject.config.KeyColumn;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.config.ValueColumn;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * Sandbox rows. Status changes are conditional on the status the caller saw, so that concurrent
 * actors (a request, the expiry reaper, the reconciler) never undo each other's transitions.
 */
@RegisterRowMapper(SandboxRowMapper.class)
public interface SandboxDao {

    RowMapper<SandboxRecord> ROWS = new SandboxRowMapper();

    @SqlUpdate("INSERT INTO sandboxes (id, org_id, session_id, status, template, image, cpus, memory, cpu_millis,"
            + " memory_bytes, network, env, metadata, created_at, expires_at, isolation)"
            + " VALUES (:id, :orgId, :sessionId, :status, :template, :image, :cpus, :memory, :cpuMillis,"
            + " :memoryBytes, :network, :env, :metadata, :createdAt, :expiresAt, :isolation)")
    void insert(@BindMethods SandboxRecord sandbox);

    /**
     * A visible (not deleted) sandbox of the organization. Through a plain handle: this is the read
     * behind nearly every request, and attaching a SQL object costs several times the query.
     */
    static Optional<SandboxRecord> find(Jdbi jdbi, String orgId, String id) {
        return jdbi.withHandle(handle -> handle
                .createQuery("SELECT * FROM sandboxes WHERE id = :id AND org_id = :orgId AND deleted_at IS NULL")
                .bind("id", id)
                .bind("orgId", orgId)
                .map(ROWS)
                .findOne());
    }

    /** Any sandbox row, deleted or not, whatever its organization: for reconciliation. */
    @SqlQuery("SELECT * FROM sandboxes WHERE id = :id")
    Optional<SandboxRecord> findAny(@Bind("id") String id);

    @SqlQuery("SELECT * FROM sandboxes WHERE org_id = :orgId AND deleted_at IS NULL"
            + " AND (:status IS NULL OR status = :status) ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset")
    List<SandboxRecord> list(@Bind("orgId") String orgId, @Bind("status") String status,
            @Bind("limit") int limit, @Bind("offset") int offset);

    @SqlQuery("SELECT COUNT(*) FROM sandboxes WHERE org_id = :orgId AND deleted_at IS NULL"
            + " AND (:status IS NULL OR status = :status)")
    long count(@Bind("orgId") String orgId, @Bind("status") String status);

    @SqlQuery("SELECT * FROM sandboxes WHERE status IN (<statuses>)")
    List<SandboxRecord> withStatus(@BindList("statuses") Collection<String> statuses);

    @SqlQuery("SELECT * FROM sandboxes WHERE status = 'running' AND expires_at <= :now")
    List<SandboxRecord> expired(@Bind("now") long now);

    @SqlUpdate("UPDATE sandboxes SET status = 'running', pod_ip = :podIp, started_at = :now, startup_ms = :startupMs"
            + " WHERE id = :id AND status = 'creating'")
    int markRunning(@Bind("id") String id, @Bind("podIp") String podIp, @Bind("now") long now,
            @Bind("startupMs") long startupMs);

    @SqlUpdate("UPDATE sandboxes SET status = :to, status_reason = COALESCE(:reason, status_reason)"
            + " WHERE id = :id AND status = :from")
    int transition(@Bind("id") String id, @Bind("from") String from, @Bind("to") String to,
            @Bind("reason") String reason);

    @SqlUpdate("UPDATE sandboxes SET status = :to, status_reason = COALESCE(:reason, status_reason), ended_at = :now"
            + " WHERE id = :id AND status = :from")
    int end(@Bind("id") String id, @Bind("from") String from, @Bind("to") String to,
            @Bind("reason") String reason, @Bind("now") long now);

    /** Sandboxes that hold resources: what the concurrency limit counts. */
    @SqlQuery("SELECT COUNT(*) FROM sandboxes WHERE org_id = :orgId AND status IN ('creating', 'running', 'terminating')")
    int countActive(@Bind("orgId") String orgId);

    /** Every sandbox row by status, all organizations', deleted ones too: for the metrics. */
    @SqlQuery("SELECT status, COUNT(*) AS n FROM sandboxes GROUP BY status")
    @KeyColumn("status")
    @ValueColumn("n")
    Map<String, Long> countByStatus();

    /** Every sandbox created since {@code since}, deleted ones too: what the monthly limit counts. */
    @SqlQuery("SELECT COUNT(*) FROM sandboxes WHERE org_id = :orgId AND created_at >= :since")
    int countCreatedSince(@Bind("orgId") String orgId, @Bind("since") long since);

    /** Every sandbox that ran, or was created, during [from, to): what usage is computed from. */
    @SqlQuery("SELECT * FROM sandboxes WHERE org_id = :orgId AND created_at < :to"
            + " AND (created_at >= :from OR (started_at IS NOT NULL AND COALESCE(ended_at, :to) > :from))")
    List<SandboxRecord> activeBetween(@Bind("orgId") String orgId, @Bind("from") long from, @Bind("to") long to);

    /** Counters only grow while a sandbox lives; a lower reading (a runtime that lost count) is ignored. */
    @SqlUpdate("UPDATE sandboxes SET egress_bytes = :bytes WHERE id = :id AND egress_bytes < :bytes")
    int recordEgress(@Bind("id") String id, @Bind("bytes") long bytes);

    /** Only a running sandbox whose expiry is still {@code from}, and has not passed: the expiry reaper may not have it. */
    @SqlUpdate("UPDATE sandboxes SET expires_at = :to WHERE id = :id AND status = 'running' AND expires_at = :from"
            + " AND expires_at > :now")
    int extend(@Bind("id") String id, @Bind("from") long from, @Bind("to") long to, @Bind("now") long now);

    /** The move to terminating of an expired sandbox, only if it is still expired (not extended meanwhile). */
    @SqlUpdate("UPDATE sandboxes SET status = 'terminating', status_reason = :reason"
            + " WHERE id = :id AND status = 'running' AND expires_at <= :now")
    int expire(@Bind("id") String id, @Bind("reason") String reason, @Bind("now") long now);

    @SqlUpdate("UPDATE sandboxes SET env = :env WHERE id = :id")
    void updateEnv(@Bind("id") String id, @Bind("env") String env);

    @SqlUpdate("UPDATE sandboxes SET deleted_at = :now WHERE id = :id AND deleted_at IS NULL")
    int markDeleted(@Bind("id") String id, @Bind("now") long now);
}
