package com.stateset.sandbox.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.db.DataSourceFactory;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * Where the server keeps its state: an H2 file by default, PostgreSQL when the URL says so. The
 * driver follows from the URL, so switching is a change of {@code url} (and credentials) only.
 */
public class DatabaseConfig {

    @JsonProperty
    @NotBlank
    @Pattern(regexp = "^jdbc:(h2|postgresql):.+", message = "must be a jdbc:h2: or jdbc:postgresql: URL")
    private String url = "jdbc:h2:file:./data/sandbox";

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
        return url;
    }

    public boolean isPostgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    /** Dropwizard's pooled data source for these settings. */
    public DataSourceFactory dataSourceFactory() {
        DataSourceFactory factory = new DataSourceFactory();
        factory.setUrl(isPostgres() ? url : h2Url());
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
    private String h2Url() {
        String settings = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0";
        return url.contains(";MODE=") ? url : url + settings;
    }
}
