package com.stateset.sandbox.server.db;

import com.stateset.sandbox.server.model.CheckpointRecord;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(CheckpointRecord.class)
public interface CheckpointDao {

    @SqlUpdate("INSERT INTO checkpoints (id, org_id, sandbox_id, name, description, state, object_key, manifest_key, size,"
            + " file_count, checksum, include_env, metadata, created_at) VALUES (:id, :orgId, :sandboxId, :name,"
            + " :description, :state, :objectKey, :manifestKey, :size, :fileCount, :checksum, :includeEnv, :metadata,"
            + " :createdAt)")
    void insert(@BindMethods CheckpointRecord checkpoint);

    @SqlQuery("SELECT * FROM checkpoints WHERE id = :id AND org_id = :orgId AND state = 'ready'")
    Optional<CheckpointRecord> findReady(@Bind("orgId") String orgId, @Bind("id") String id);

    @SqlQuery("SELECT * FROM checkpoints WHERE id = :id")
    Optional<CheckpointRecord> findAny(@Bind("id") String id);

    @SqlQuery("SELECT * FROM checkpoints WHERE org_id = :orgId AND state = 'ready'"
            + " AND (CAST(:sandboxId AS VARCHAR) IS NULL OR sandbox_id = :sandboxId) ORDER BY created_at DESC, id")
    List<CheckpointRecord> listReady(@Bind("orgId") String orgId, @Bind("sandboxId") String sandboxId);

    @SqlUpdate("UPDATE checkpoints SET state = 'ready', size = :size, file_count = :fileCount, checksum = :checksum"
            + " WHERE id = :id AND state = 'uploading'")
    int markReady(@Bind("id") String id, @Bind("size") long size, @Bind("fileCount") int fileCount,
            @Bind("checksum") String checksum);

    @SqlUpdate("UPDATE checkpoints SET state = 'deleting' WHERE id = :id AND org_id = :orgId AND state = 'ready'")
    int markDeleting(@Bind("orgId") String orgId, @Bind("id") String id);

    @SqlUpdate("UPDATE checkpoints SET state = 'deleting' WHERE id = :id")
    int abandon(@Bind("id") String id);

    /** Rows whose objects must go: being deleted, or uploads abandoned before {@code before}. */
    @SqlQuery("SELECT * FROM checkpoints WHERE state = 'deleting' OR (state = 'uploading' AND created_at < :before)")
    List<CheckpointRecord> leftovers(@Bind("before") long before);

    @SqlUpdate("DELETE FROM checkpoints WHERE id = :id")
    void delete(@Bind("id") String id);

    @SqlQuery("SELECT COALESCE(SUM(size), 0) FROM checkpoints WHERE org_id = :orgId AND state <> 'deleting'")
    long storedBytes(@Bind("orgId") String orgId);
}
