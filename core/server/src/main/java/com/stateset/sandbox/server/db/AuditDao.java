package com.stateset.sandbox.server.db;

import com.stateset.sandbox.server.model.AuditRecord;
import com.stateset.sandbox.server.model.AuditTotals;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Audit events: append and read only. There is deliberately no update or delete. */
@RegisterConstructorMapper(AuditRecord.class)
@RegisterConstructorMapper(AuditTotals.class)
public interface AuditDao {

    /** Null filters match everything; {@code start} is inclusive, {@code end} exclusive. */
    String FILTERS = " WHERE org_id = :orgId"
            + " AND (CAST(:sandboxId AS VARCHAR) IS NULL OR sandbox_id = :sandboxId)"
            + " AND (CAST(:action AS VARCHAR) IS NULL OR action = :action)"
            + " AND (CAST(:outcome AS VARCHAR) IS NULL OR outcome = :outcome)"
            + " AND (CAST(:start AS BIGINT) IS NULL OR occurred_at >= :start)"
            + " AND (CAST(:end AS BIGINT) IS NULL OR occurred_at < :end)";

    /** The session is that of the event's sandbox when it is the organization's, else empty. */
    String INSERT = "INSERT INTO audit_events (id, occurred_at, org_id, user_id, actor, api_key_id, sandbox_id, session_id,"
            + " action, resource, details, outcome, status, error_message, duration_ms, request_id, client_ip)"
            + " VALUES (:id, :occurredAt, :orgId, :userId, :actor, :apiKeyId, :sandboxId,"
            + " COALESCE((SELECT session_id FROM sandboxes WHERE id = :sandboxId AND org_id = :orgId), ''), :action, :resource,"
            + " :details, :outcome, :status, :errorMessage, :durationMs, :requestId, :clientIp)";

    @SqlUpdate(INSERT)
    void insert(@BindMethods AuditRecord event);

    /** Newest first; events of the same millisecond in the reverse order they were written. */
    @SqlQuery("SELECT * FROM audit_events" + FILTERS + " ORDER BY occurred_at DESC, seq DESC LIMIT :limit OFFSET :offset")
    List<AuditRecord> search(@Bind("orgId") String orgId, @Bind("sandboxId") String sandboxId, @Bind("action") String action,
            @Bind("outcome") String outcome, @Bind("start") Long start, @Bind("end") Long end,
            @Bind("limit") int limit, @Bind("offset") int offset);

    @SqlQuery("SELECT COUNT(*) FROM audit_events" + FILTERS)
    long count(@Bind("orgId") String orgId, @Bind("sandboxId") String sandboxId, @Bind("action") String action,
            @Bind("outcome") String outcome, @Bind("start") Long start, @Bind("end") Long end);

    @SqlQuery("SELECT COUNT(*) AS total_events,"
            + " COUNT(CASE WHEN action = 'command.execute' AND outcome = 'success' THEN 1 END) AS commands_executed,"
            + " COUNT(CASE WHEN action = 'file.write' AND outcome = 'success' THEN 1 END) AS files_written,"
            + " COUNT(CASE WHEN action = 'file.read' AND outcome = 'success' THEN 1 END) AS files_read,"
            + " COUNT(CASE WHEN action = 'secret.inject' AND outcome = 'success' THEN 1 END) AS secrets_accessed,"
            + " COUNT(CASE WHEN outcome = 'failure' THEN 1 END) AS errors,"
            + " COALESCE(SUM(duration_ms), 0) AS duration_ms, MIN(occurred_at) AS first_at, MAX(occurred_at) AS last_at"
            + " FROM audit_events WHERE org_id = :orgId AND sandbox_id = :sandboxId")
    AuditTotals totals(@Bind("orgId") String orgId, @Bind("sandboxId") String sandboxId);

    /** The session of one of the organization's sandboxes, deleted ones included. */
    @SqlQuery("SELECT session_id FROM sandboxes WHERE id = :id AND org_id = :orgId")
    Optional<String> sessionOf(@Bind("orgId") String orgId, @Bind("id") String sandboxId);
}
