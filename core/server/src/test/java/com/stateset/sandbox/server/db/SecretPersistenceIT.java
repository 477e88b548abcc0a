package com.stateset.sandbox.server.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stateset.sandbox.server.config.DatabaseConfig;
import com.stateset.sandbox.server.model.Organization;
import com.stateset.sandbox.server.model.SecretRecord;
import com.stateset.sandbox.server.testing.TestDatabase;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The secrets table and its DAO, on H2 (the embedded default) and on a real PostgreSQL server. */
class SecretPersistenceIT {

    private final TestDatabase database = new TestDatabase();

    @AfterEach
    void close() throws Exception {
        database.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("com.stateset.sandbox.server.testing.TestDatabases#both")
    void secretsByOrganizationAndName(Supplier<DatabaseConfig> database) {
        Jdbi jdbi = this.database.open(database);
        jdbi.onDemand(OrganizationDao.class).insert(new Organization("org_1", "Acme", "acme", "free", 1L));
        jdbi.onDemand(OrganizationDao.class).insert(new Organization("org_2", "Other", "other", "free", 1L));
        SecretDao dao = jdbi.onDemand(SecretDao.class);
        assertThat(dao.count()).isZero();

        String large = "v1:0123456789abcdef:" + "A".repeat(87_400); // a 64 KiB value, encrypted and base64-encoded
        SecretRecord token = new SecretRecord("sec_1", "org_1", "TOKEN", "sandbox", large, "[\"*\"]", null, 10L, 10L);
        dao.insert(token);
        dao.insert(new SecretRecord("sec_2", "org_1", "API_KEY", "org", "v1:fedcba9876543210:x", "[\"sbx_a*\"]", 500L, 20L, 20L));
        dao.insert(new SecretRecord("sec_3", "org_2", "TOKEN", "sandbox", "v1:0123456789abcdef:y", "[\"*\"]", null, 30L, 30L));

        assertThat(dao.find("org_1", "TOKEN")).contains(token);
        assertThat(dao.find("org_1", "token")).as("names are case-sensitive, as variables are").isEmpty();
        assertThat(dao.list("org_1")).extracting(SecretRecord::name).containsExactlyInAnyOrder("API_KEY", "TOKEN");
        assertThat(dao.findAll("org_1", List.of("TOKEN", "MISSING"))).extracting(SecretRecord::id).containsExactly("sec_1");
        assertThat(dao.findAll("org_2", List.of("TOKEN", "API_KEY"))).extracting(SecretRecord::id).containsExactly("sec_3");
        assertThat(dao.count()).isEqualTo(3);
        assertThat(dao.countNotLike("v1:0123456789abcdef:%")).isEqualTo(1);

        assertThatThrownBy(() -> dao.insert(new SecretRecord("sec_4", "org_1", "TOKEN", "sandbox", "v1:k:z", "[\"*\"]", null, 1L, 1L)))
                .isInstanceOfSatisfying(UnableToExecuteStatementException.class,
                        e -> assertThat(((SQLException) e.getCause()).getSQLState()).isEqualTo("23505"));

        SecretRecord changed = new SecretRecord("sec_1", "org_1", "TOKEN", "org", "v1:0123456789abcdef:new", "[\"sbx_b\"]",
                900L, 10L, 40L);
        assertThat(dao.update(new SecretRecord("sec_1", "org_2", "TOKEN", "org", "v1:k:stolen", "[]", null, 1L, 1L)))
                .as("another organization's row").isZero();
        assertThat(dao.update(changed)).isEqualTo(1);
        assertThat(dao.find("org_1", "TOKEN")).contains(changed);

        assertThat(dao.delete("org_2", "API_KEY")).as("another organization's secret").isZero();
        assertThat(dao.delete("org_1", "API_KEY")).isEqualTo(1);
        assertThat(dao.list("org_1")).extracting(SecretRecord::name).containsExactly("TOKEN");
    }
}
