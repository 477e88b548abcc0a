package com.stateset.sandbox.server.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stateset.sandbox.server.config.DatabaseConfig;
import com.stateset.sandbox.server.model.ApiKeyRecord;
import com.stateset.sandbox.server.model.Organization;
import com.stateset.sandbox.server.model.SandboxRecord;
import com.stateset.sandbox.server.model.SandboxStatus;
import com.stateset.sandbox.server.model.User;
import com.stateset.sandbox.server.testing.TestDatabase;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The schema and every DAO, on H2 (the embedded default) and on a real PostgreSQL server. */
class PersistenceIT {

    private final TestDatabase database = new TestDatabase();

    private Jdbi open(Supplier<DatabaseConfig> database) {
        Jdbi jdbi = this.database.open(database);
        Database.migrate(this.database.dataSource()); // a second start finds nothing to do
        return jdbi;
    }

    @AfterEach
    void close() throws Exception {
        database.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("com.stateset.sandbox.server.testing.TestDatabases#both")
    void organizationsUsersAndKeys(Supplier<DatabaseConfig> database) {
        Jdbi jdbi = open(database);
        OrganizationDao orgs = jdbi.onDemand(OrganizationDao.class);
        UserDao users = jdbi.onDemand(UserDao.class);
        ApiKeyDao keys = jdbi.onDemand(ApiKeyDao.class);

        Organization org = new Organization("org_1", "Acme", "acme", "free", 1000L);
        orgs.insert(org);
        assertThat(orgs.find("org_1")).contains(org);
        assertThat(orgs.slugTaken("acme")).isTrue();
        assertThat(orgs.slugTaken("other")).isFalse();

        User user = new User("user_1", "org_1", "a@b.co", "Ada", null, "owner", null, 1000L);
        users.insert(user);
        assertThat(users.findByEmail("a@b.co")).contains(user);
        assertThatThrownBy(() -> users.insert(new User("user_2", "org_1", "a@b.co", null, null, "owner", null, 1L)))
                .isInstanceOfSatisfying(UnableToExecuteStatementException.class,
                        e -> assertThat(((SQLException) e.getCause()).getSQLState()).isEqualTo("23505"));

        ApiKeyRecord key = new ApiKeyRecord("key_1", "org_1", "user_1", "default", "sk-sandbox-abcd", "h".repeat(64),
                "", 1000L, null, null, null);
        keys.insert(key);
        keys.insert(new ApiKeyRecord("key_2", "org_1", null, "ci", "sk-sandbox-efgh", "g".repeat(64),
                "sandbox:read", 2000L, 5000L, null, null));
        assertThat(keys.findByHash("h".repeat(64))).contains(key);
        assertThat(keys.listActive("org_1")).extracting(ApiKeyRecord::id).containsExactly("key_1", "key_2");

        keys.touch("key_1", 3000L);
        assertThat(keys.findByHash("h".repeat(64)).orElseThrow().lastUsedAt()).isEqualTo(3000L);
        assertThat(keys.revoke("org_other", "key_1", 4000L)).as("another org cannot revoke").isZero();
        assertThat(keys.revoke("org_1", "key_1", 4000L)).isEqualTo(1);
        assertThat(keys.revoke("org_1", "key_1", 4000L)).isZero();
        assertThat(keys.listActive("org_1")).extracting(ApiKeyRecord::id).containsExactly("key_2");

        InstallationDao installation = jdbi.onDemand(InstallationDao.class);
        assertThat(installation.find()).isEmpty();
        installation.insert("inst_1", 1L);
        assertThat(installation.find()).contains("inst_1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("com.stateset.sandbox.server.testing.TestDatabases#both")
    void sandboxesAndTheirTransitions(Supplier<DatabaseConfig> database) {
        Jdbi jdbi = open(database);
        jdbi.onDemand(OrganizationDao.class).insert(new Organization("org_1", "Acme", "acme", "free", 1L));
        jdbi.onDemand(OrganizationDao.class).insert(new Organization("org_2", "Other", "other", "free", 1L));
        SandboxDao dao = jdbi.onDemand(SandboxDao.class);
        dao.insert(sandbox("sbx_a", "org_1", 100L, 10_000L));
        dao.insert(sandbox("sbx_b", "org_1", 200L, 20_000L));
        dao.insert(sandbox("sbx_c", "org_2", 300L, 30_000L));

        assertThat(SandboxDao.find(jdbi, "org_1", "sbx_a")).isPresent();
        assertThat(SandboxDao.find(jdbi, "org_2", "sbx_a")).as("another org's sandbox").isEmpty();
        assertThat(dao.list("org_1", null, 10, 0)).extracting(SandboxRecord::id).containsExactly("sbx_b", "sbx_a");
        assertThat(dao.list("org_1", null, 1, 1)).extracting(SandboxRecord::id).containsExactly("sbx_a");
        assertThat(dao.count("org_1", null)).isEqualTo(2);

        assertThat(dao.markRunning("sbx_a", "10.0.0.2", 150L, 42L)).isEqualTo(1);
        assertThat(dao.markRunning("sbx_a", "10.0.0.2", 150L, 42L)).as("only from creating").isZero();
        SandboxRecord running = SandboxDao.find(jdbi, "org_1", "sbx_a").orElseThrow();
        assertThat(running.sandboxStatus()).isEqualTo(SandboxStatus.RUNNING);
        assertThat(running.startupMs()).isEqualTo(42L);
        assertThat(running.podIp()).isEqualTo("10.0.0.2");
        assertThat(dao.list("org_1", "running", 10, 0)).extracting(SandboxRecord::id).containsExactly("sbx_a");
        assertThat(dao.count("org_1", "creating")).isEqualTo(1);

        assertThat(dao.expired(15_000L)).extracting(SandboxRecord::id).containsExactly("sbx_a");
        // The expiry reaper and extend race on one row: whichever changes it first wins.
        assertThat(dao.extend("sbx_a", 10_000L, 12_000L, 10_000L)).as("past its expiry: the reaper's").isZero();
        assertThat(dao.extend("sbx_a", 9_000L, 12_000L, 5_000L)).as("the expiry moved meanwhile").isZero();
        assertThat(dao.extend("sbx_a", 10_000L, 12_000L, 5_000L)).isEqualTo(1);
        assertThat(dao.expire("sbx_a", "timed out", 11_000L)).as("extended before the reaper got to it").isZero();
        assertThat(dao.extend("sbx_a", 12_000L, 10_000L, 5_000L)).isEqualTo(1);
        assertThat(dao.transition("sbx_a", "creating", "terminating", "x")).as("from a status it is not in").isZero();
        assertThat(dao.transition("sbx_a", "running", "terminating", "stopped by request")).isEqualTo(1);
        assertThat(dao.end("sbx_a", "terminating", "terminated", null, 16_000L)).isEqualTo(1);
        SandboxRecord ended = dao.findAny("sbx_a").orElseThrow();
        assertThat(ended.status()).isEqualTo("terminated");
        assertThat(ended.statusReason()).as("kept from the transition").isEqualTo("stopped by request");
        assertThat(ended.endedAt()).isEqualTo(16_000L);
        assertThat(dao.expire("sbx_a", "timed out", 20_000L)).as("only a running sandbox").isZero();
        assertThat(dao.markRunning("sbx_c", "10.0.0.3", 310L, 10L)).isEqualTo(1);
        assertThat(dao.expire("sbx_c", "timed out", 30_000L)).isEqualTo(1);
        assertThat(dao.findAny("sbx_c").orElseThrow().status()).isEqualTo("terminating");

        assertThat(dao.withStatus(List.of("creating", "running", "terminating"))).extracting(SandboxRecord::id)
                .containsExactlyInAnyOrder("sbx_b", "sbx_c");
        assertThat(dao.markDeleted("sbx_a", 17_000L)).isEqualTo(1);
        assertThat(SandboxDao.find(jdbi, "org_1", "sbx_a")).isEmpty();
        assertThat(dao.findAny("sbx_a")).isPresent();
        assertThat(dao.count("org_1", null)).isEqualTo(1);
    }

    private static SandboxRecord sandbox(String id, String org, long createdAt, long expiresAt) {
        return new SandboxRecord(id, org, "ses", "creating", "python-basic", "img", "1", "512Mi", 1000, 512L << 20, false,
                "{\"A\":\"1\"}", null, null, null, null, createdAt, null, expiresAt, null, null, 0, "container");
    }
}
