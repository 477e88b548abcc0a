package com.stateset.sandbox.server.db;

import com.stateset.sandbox.server.model.ApiKeyRecord;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(ApiKeyRecord.class)
public interface ApiKeyDao {

    @SqlUpdate("INSERT INTO api_keys (id, org_id, user_id, name, key_prefix, key_hash, scopes, created_at, expires_at)"
            + " VALUES (:id, :orgId, :userId, :name, :keyPrefix, :keyHash, :scopes, :createdAt, :expiresAt)")
    void insert(@BindMethods ApiKeyRecord key);

    @SqlQuery("SELECT * FROM api_keys WHERE key_hash = :hash")
    Optional<ApiKeyRecord> findByHash(@Bind("hash") String hash);

    @SqlQuery("SELECT * FROM api_keys WHERE org_id = :orgId AND revoked_at IS NULL ORDER BY created_at, id")
    List<ApiKeyRecord> listActive(@Bind("orgId") String orgId);

    @SqlUpdate("UPDATE api_keys SET revoked_at = :now WHERE id = :id AND org_id = :orgId AND revoked_at IS NULL")
    int revoke(@Bind("orgId") String orgId, @Bind("id") String id, @Bind("now") long now);

    @SqlUpdate("UPDATE api_keys SET last_used_at = :now WHERE id = :id")
    void touch(@Bind("id") String id, @Bind("now") long now);
}
