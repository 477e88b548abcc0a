package com.stateset.sandbox.server.db;

import com.stateset.sandbox.server.model.ArtifactRecord;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(ArtifactRecord.class)
public interface ArtifactDao {

    @SqlUpdate("INSERT INTO artifacts (id, org_id, sandbox_id, path, remote_path, object_key, state, size, checksum,"
            + " content_type, metadata, created_at, expires_at) VALUES (:id, :orgId, :sandboxId, :path, :remotePath,"
            + " :objectKey, :state, :size, :checksum, :contentType, :metadata, :createdAt, :expiresAt)")
    void insert(@BindMethods ArtifactRecord artifact);

    @SqlQuery("SELECT * FROM artifacts WHERE id = :id AND org_id = :orgId AND state = 'ready'"
            + " AND (expires_at IS NULL OR expires_at > :now)")
    Optional<ArtifactRecord> findReady(@Bind("orgId") String orgId, @Bind("id") String id, @Bind("now") long now);

    @SqlQuery("SELECT * FROM artifacts WHERE org_id = :orgId AND state = 'ready' AND (expires_at IS NULL OR expires_at > :now)"
            + " AND (CAST(:sandboxId AS VARCHAR) IS NULL OR sandbox_id = :sandboxId) ORDER BY created_at DESC, id")
    List<ArtifactRecord> listReady(@Bind("orgId") String orgId, @Bind("sandboxId") String sandboxId, @Bind("now") long now);

    /** An artifact whose remote path is a folder of {@code remotePath}'s, or lies inside it. */
    @SqlQuery("SELECT remote_path FROM artifacts WHERE org_id = :orgId AND (remote_path IN (<parents>)"
            + " OR remote_path LIKE :inside ESCAPE '!') FETCH FIRST 1 ROWS ONLY")
    Optional<String> overlapping(@Bind("orgId") String orgId, @BindList(value = "parents", onEmpty = BindList.EmptyHandling.NULL_STRING) List<String> parents,
            @Bind("inside") String inside);

    @SqlUpdate("UPDATE artifacts SET state = 'ready', size = :size, checksum = :checksum WHERE id = :id AND state = 'uploading'")
    int markReady(@Bind("id") String id, @Bind("size") long size, @Bind("checksum") String checksum);

    @SqlUpdate("UPDATE artifacts SET state = 'deleting' WHERE id = :id AND org_id = :orgId AND state = 'ready'")
    int markDeleting(@Bind("orgId") String orgId, @Bind("id") String id);

    @SqlUpdate("UPDATE artifacts SET state = 'deleting' WHERE id = :id")
    int abandon(@Bind("id") String id);

    /** Rows whose object must go: being deleted, expired, or uploads abandoned before {@code before}. */
    @SqlQuery("SELECT * FROM artifacts WHERE state = 'deleting' OR (state = 'uploading' AND created_at < :before)"
            + " OR (state = 'ready' AND expires_at <= :now)")
    List<ArtifactRecord> leftovers(@Bind("before") long before, @Bind("now") long now);

    @SqlUpdate("DELETE FROM artifacts WHERE id = :id")
    void delete(@Bind("id") String id);

    @SqlQuery("SELECT COALESCE(SUM(size), 0) FROM artifacts WHERE org_id = :orgId AND state <> 'deleting'")
    long storedBytes(@Bind("orgId") String orgId);
}
