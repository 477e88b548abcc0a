package com.stateset.sandbox.server.db;

import com.stateset.sandbox.server.model.EventRecord;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(EventRecord.class)
public interface EventDao {

    String INSERT = "INSERT INTO events (id, org_id, sandbox_id, type, body, created_at)"
            + " VALUES (:id, :orgId, :sandboxId, :type, :body, :createdAt)";

    @SqlUpdate(INSERT)
    void insert(@BindMethods EventRecord event);

    @SqlQuery("SELECT * FROM events WHERE id = :id")
    Optional<EventRecord> find(@Bind("id") String id);
}
