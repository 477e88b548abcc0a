package com.stateset.sandbox.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.db.DataSourceFactory;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;

/**
 * Where the server keeps its state: an H2 file under the data directory by default (no URL),
 * PostgreSQL when the URL says so. The driver follows from the URL, so switching is a change of
 * {@code url} (and credentials) only.
 */
public class DatabaseConfig {

    /** Empty or absent: the embedded H2 database, {@code <dataDirectory>/sandbox.mv.db}. */
    @JsonProperty
    @Pattern(regexp = "^$|^jdbc:(h2|postgresql):.+", message = "must be empty, or a jdbc:h2: or jdbc:postgresql: URL")
    private String url = "";

    @JsonProperty
    private String user = "sa";

    @JsonProperty
    private String password = "";

    @JsonProperty
    @Min(1)
    @Max(500)
    private int maxConnections = 32;

    public DatabaseConfig() {
    }

    public DatabaseConfig(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    public String url() {
        return url == null ? "" : url;
    }

    public boolean isPostgres() {
        return url().startsWith("jdbc:postgresql:");
    }

    /** Dropwizard's pooled data source for these settings; an embedded database lives in {@code dataDirectory}. */
    public DataSourceFactory dataSourceFactory(Path dataDirectory) {
        DataSourceFactory factory = new DataSourceFactory();
        String h2 = url().isEmpty() ? "jdbc:h2:file:" + dataDirectory.toAbsolutePath().resolve("sandbox") : url();
        factory.setUrl(isPostgres() ? url() : h2Url(h2));
        factory.setDriverClass(isPostgres() ? "org.postgresql.Driver" : "org.h2.Driver");
        factory.setUser(user);
        factory.setPassword(password);
        factory.setMaxSize(maxConnections);
        factory.setMinSize(Math.min(2, maxConnections));
        factory.setInitialSize(Math.min(2, maxConnections));
        factory.setValidationQuery("SELECT 1");
        return factory;
    }

    // H2 speaks enough PostgreSQL for our portable SQL once in PostgreSQL mode; identifiers are kept
    // lower-case as PostgreSQL folds them. WRITE_DELAY=0 writes every commit out before it returns:
    // by default H2 holds commits back for up to half a second, and a killed server would lose them.
    private static String h2Url(String url) {
        String settings = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0";
        return url.contains(";MODE=") ? url : url + settings;
    }
}
