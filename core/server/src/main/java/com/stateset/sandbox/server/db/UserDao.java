package com.stateset.sandbox.server.db;

import com.stateset.sandbox.server.model.User;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(User.class)
public interface UserDao {

    @SqlUpdate("INSERT INTO users (id, org_id, email, first_name, last_name, role, use_case, created_at)"
            + " VALUES (:id, :orgId, :email, :firstName, :lastName, :role, :useCase, :createdAt)")
    void insert(@BindMethods User user);

    @SqlQuery("SELECT * FROM users WHERE email = :email")
    Optional<User> findByEmail(@Bind("email") String email);
}
