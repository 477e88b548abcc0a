package com.stateset.sandbox.server.db;

import com.stateset.sandbox.server.model.Organization;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(Organization.class)
public interface OrganizationDao {

    @SqlUpdate("INSERT INTO organizations (id, name, slug, plan, created_at) VALUES (:id, :name, :slug, :plan, :createdAt)")
    void insert(@BindMethods Organization organization);

    @SqlQuery("SELECT * FROM organizations WHERE id = :id")
    Optional<Organization> find(@Bind("id") String id);

    /** Locks the organization's row until the transaction ends: quota checks take this lock. */
    @SqlQuery("SELECT * FROM organizations WHERE id = :id FOR UPDATE")
    Optional<Organization> lock(@Bind("id") String id);

    @SqlQuery("SELECT plan FROM organizations WHERE id = :id")
    Optional<String> plan(@Bind("id") String id);

    /** The organization's plan, its row locked until the transaction ends: creates take this lock to check quotas. */
    @SqlQuery("SELECT plan FROM organizations WHERE id = :id FOR UPDATE")
    Optional<String> lockPlan(@Bind("id") String id);

    @SqlUpdate("UPDATE organizations SET plan = :plan WHERE id = :id")
    int setPlan(@Bind("id") String id, @Bind("plan") String plan);

    @SqlQuery("SELECT COUNT(*) > 0 FROM organizations WHERE slug = :slug")
    boolean slugTaken(@Bind("slug") String slug);
}
