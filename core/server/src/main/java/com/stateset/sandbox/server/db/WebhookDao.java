package com.stateset.sandbox.server.db;

import com.stateset.sandbox.server.model.WebhookRecord;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(WebhookRecord.class)
public interface WebhookDao {

    @SqlUpdate("INSERT INTO webhooks (id, org_id, url, events, secret, headers, enabled, retry_count, retry_delay_ms,"
            + " timeout_ms, created_at) VALUES (:id, :orgId, :url, :events, :secret, :headers, :enabled, :retryCount,"
            + " :retryDelayMs, :timeoutMs, :createdAt)")
    void insert(@BindMethods WebhookRecord webhook);

    @SqlQuery("SELECT * FROM webhooks WHERE id = :id AND org_id = :orgId AND deleted_at IS NULL")
    Optional<WebhookRecord> find(@Bind("orgId") String orgId, @Bind("id") String id);

    @SqlQuery("SELECT * FROM webhooks WHERE id = :id")
    Optional<WebhookRecord> findAny(@Bind("id") String id);

    @SqlQuery("SELECT * FROM webhooks WHERE org_id = :orgId AND deleted_at IS NULL ORDER BY created_at, id")
    List<WebhookRecord> list(@Bind("orgId") String orgId);

    @SqlQuery("SELECT * FROM webhooks WHERE org_id = :orgId AND enabled AND deleted_at IS NULL")
    List<WebhookRecord> enabled(@Bind("orgId") String orgId);

    @SqlUpdate("UPDATE webhooks SET deleted_at = :now WHERE id = :id AND org_id = :orgId AND deleted_at IS NULL")
    int delete(@Bind("orgId") String orgId, @Bind("id") String id, @Bind("now") long now);

    @SqlUpdate("UPDATE webhooks SET enabled = FALSE, disabled_reason = :reason WHERE id = :id")
    void disable(@Bind("id") String id, @Bind("reason") String reason);
}
