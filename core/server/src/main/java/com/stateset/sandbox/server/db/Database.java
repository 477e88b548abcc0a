package com.stateset.sandbox.server.db;

import com.stateset.sandbox.server.config.DatabaseConfig;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import java.nio.file.Path;
import io.dropwizard.jdbi3.JdbiFactory;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/** Opens the configured database, applies the schema migrations, and hands out JDBI. */
public final class Database {

    private Database() {
    }

    /** The server's JDBI, with the pool managed (and health-checked) by Dropwizard. */
    public static Jdbi open(DatabaseConfig config, Path dataDirectory, Environment environment) {
        DataSourceFactory factory = config.dataSourceFactory(dataDirectory);
        ManagedDataSource dataSource = factory.build(environment.metrics(), "database");
        migrate(dataSource);
        // The factory manages the pool's lifecycle and registers the "database" health check.
        return quiet(new JdbiFactory().build(environment, factory, dataSource, "database"));
    }

    /** Failed statements must not put their bound values (environment values, key hashes) into logs. */
    private static Jdbi quiet(Jdbi jdbi) {
        jdbi.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.NONE);
        return jdbi;
    }

    /** A plain JDBI over an existing data source (tools and tests). */
    public static Jdbi open(DataSource dataSource) {
        migrate(dataSource);
        return quiet(Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin()));
    }

    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }
}
