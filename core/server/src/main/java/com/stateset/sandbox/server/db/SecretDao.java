package com.stateset.sandbox.server.db;

import com.stateset.sandbox.server.model.SecretRecord;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(SecretRecord.class)
public interface SecretDao {

    @SqlUpdate("INSERT INTO secrets (id, org_id, name, scope, ciphertext, allowed_sandbox_patterns, expires_at, created_at,"
            + " updated_at) VALUES (:id, :orgId, :name, :scope, :ciphertext, :allowedSandboxPatterns, :expiresAt, :createdAt,"
            + " :updatedAt)")
    void insert(@BindMethods SecretRecord secret);

    @SqlQuery("SELECT * FROM secrets WHERE org_id = :orgId AND name = :name")
    Optional<SecretRecord> find(@Bind("orgId") String orgId, @Bind("name") String name);

    @SqlQuery("SELECT * FROM secrets WHERE org_id = :orgId AND name IN (<names>)")
    List<SecretRecord> findAll(@Bind("orgId") String orgId, @BindList("names") Collection<String> names);

    @SqlQuery("SELECT * FROM secrets WHERE org_id = :orgId")
    List<SecretRecord> list(@Bind("orgId") String orgId);

    /** Replaces what a {@code PUT} may change; the row is found by id within its organization. */
    @SqlUpdate("UPDATE secrets SET scope = :scope, ciphertext = :ciphertext, allowed_sandbox_patterns = :allowedSandboxPatterns,"
            + " expires_at = :expiresAt, updated_at = :updatedAt WHERE id = :id AND org_id = :orgId")
    int update(@BindMethods SecretRecord secret);

    @SqlUpdate("DELETE FROM secrets WHERE org_id = :orgId AND name = :name")
    int delete(@Bind("orgId") String orgId, @Bind("name") String name);

    @SqlUpdate("DELETE FROM sandbox_secrets WHERE sandbox_id = :sandboxId AND name = :name")
    void revokeGrant(@Bind("sandboxId") String sandboxId, @Bind("name") String name);

    @SqlUpdate("INSERT INTO sandbox_secrets (sandbox_id, org_id, name, created_at) VALUES (:sandboxId, :orgId, :name, :now)")
    void grant(@Bind("sandboxId") String sandboxId, @Bind("orgId") String orgId, @Bind("name") String name,
            @Bind("now") long now);

    /** The secrets injected into a sandbox ({@code :sandboxId}), as stored now. */
    String GRANTED = "SELECT s.* FROM secrets s JOIN sandbox_secrets g ON g.org_id = s.org_id AND g.name = s.name"
            + " WHERE g.sandbox_id = :sandboxId";


    @SqlUpdate("DELETE FROM sandbox_secrets WHERE org_id = :orgId AND name = :name")
    void revokeGrants(@Bind("orgId") String orgId, @Bind("name") String name);

    @SqlQuery("SELECT COUNT(*) FROM secrets")
    long count();

    /** Rows whose stored form does not match {@code likePattern}: stored under another master key. */
    @SqlQuery("SELECT COUNT(*) FROM secrets WHERE ciphertext NOT LIKE :likePattern")
    long countNotLike(@Bind("likePattern") String likePattern);
}
