package com.stateset.sandbox.server.db;

import java.util.Optional;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The one row naming this installation; runtimes label what they create with its id. */
public interface InstallationDao {

    @SqlQuery("SELECT id FROM installation")
    Optional<String> find();

    @SqlUpdate("INSERT INTO installation (id, created_at) VALUES (:id, :now)")
    void insert(@Bind("id") String id, @Bind("now") long now);
}
