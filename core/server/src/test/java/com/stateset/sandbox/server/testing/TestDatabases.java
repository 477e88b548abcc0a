package com.stateset.sandbox.server.testing;

import com.codahale.metrics.MetricRegistry;
import com.stateset.sandbox.server.config.DatabaseConfig;
import com.stateset.sandbox.server.model.Ids;
import com.stateset.sandbox.testing.Infrastructure;
import io.dropwizard.db.ManagedDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Fresh, empty databases for tests: an in-memory H2, or a new database on the PostgreSQL server at
 * {@code SANDBOX_TEST_POSTGRES_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/postgres},
 * user and password {@code postgres}). Without PostgreSQL such tests skip on a laptop and fail in CI.
 */
public final class TestDatabases {

    private static final String ADMIN_URL = env("SANDBOX_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String USER = env("SANDBOX_TEST_POSTGRES_USER", "postgres");
    private static final String PASSWORD = env("SANDBOX_TEST_POSTGRES_PASSWORD", "postgres");

    private TestDatabases() {
    }

    /**
     * Both kinds, for {@code @MethodSource("com.stateset.sandbox.server.testing.TestDatabases#both")}:
     * each creates its database when asked, and is named for the test report.
     */
    public static Stream<Supplier<DatabaseConfig>> both() {
        return Stream.of(named("h2", TestDatabases::h2), named("postgresql", TestDatabases::postgres));
    }

    private static Supplier<DatabaseConfig> named(String name, Supplier<DatabaseConfig> supplier) {
        return new Supplier<>() {
            @Override
            public DatabaseConfig get() {
                return supplier.get();
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    public static DatabaseConfig h2() {
        return new DatabaseConfig("jdbc:h2:mem:" + Ids.random(12) + ";DB_CLOSE_DELAY=-1", "sa", "");
    }

    /** A new database on the test PostgreSQL server; drop it with {@link #drop}. */
    public static DatabaseConfig postgres() {
        String name = "sandbox_test_" + Ids.random(12);
        try (Connection admin = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD);
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            Infrastructure.require(false, "PostgreSQL at " + ADMIN_URL + " (" + e.getMessage() + ")");
        }
        return new DatabaseConfig(ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1) + name, USER, PASSWORD);
    }

    public static void drop(DatabaseConfig config) {
        if (!config.isPostgres()) {
            return;
        }
        String name = config.url().substring(config.url().lastIndexOf('/') + 1);
        try (Connection admin = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD);
                Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("dropping " + name + " failed", e);
        }
    }

    public static ManagedDataSource open(DatabaseConfig config) {
        return config.dataSourceFactory(Path.of("target")).build(new MetricRegistry(), "test");
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
