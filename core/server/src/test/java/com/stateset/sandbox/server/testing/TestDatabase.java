package com.stateset.sandbox.server.testing;

import com.stateset.sandbox.server.config.DatabaseConfig;
import com.stateset.sandbox.server.db.Database;
import io.dropwizard.db.ManagedDataSource;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/**
 * One migrated database for one persistence test, H2 or PostgreSQL as {@link TestDatabases#both}
 * supplies: {@link #open} it in the test, {@link #close} it after each (which drops it).
 */
public final class TestDatabase implements AutoCloseable {

    private DatabaseConfig config;
    private ManagedDataSource dataSource;

    public Jdbi open(Supplier<DatabaseConfig> database) {
        config = database.get();
        dataSource = TestDatabases.open(config);
        return Database.open(dataSource);
    }

    public ManagedDataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() throws Exception {
        if (dataSource != null) {
            dataSource.stop();
            TestDatabases.drop(config);
            dataSource = null;
        }
    }
}
