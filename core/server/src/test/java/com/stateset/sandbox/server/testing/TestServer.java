package com.stateset.sandbox.server.testing;

import com.stateset.sandbox.server.SandboxApplication;
import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.model.Ids;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A real server for API tests: its own in-memory H2 database (so its own installation id and
 * sandboxes), the Docker runtime loaded as a plugin through PF4J, the local Docker engine.
 */
public final class TestServer {

    private TestServer() {
    }

    public static DropwizardAppExtension<SandboxConfiguration> create(ConfigOverride... overrides) {
        return create(memoryDatabase(), overrides);
    }

    /** A private in-memory H2 database, reachable from the test by the same URL. */
    public static String memoryDatabase() {
        return "jdbc:h2:mem:" + Ids.random(12) + ";DB_CLOSE_DELAY=-1";
    }

    public static DropwizardAppExtension<SandboxConfiguration> create(String databaseUrl, ConfigOverride... overrides) {
        return create(databaseUrl, TestPaths.pluginsDirectory(), overrides);
    }

    /** Overrides must not repeat the settings given as arguments: which of two would win is not defined. */
    public static DropwizardAppExtension<SandboxConfiguration> create(String databaseUrl, Path pluginsDirectory,
            ConfigOverride... overrides) {
        List<ConfigOverride> all = new ArrayList<>();
        all.add(ConfigOverride.config("database.url", databaseUrl));
        all.add(ConfigOverride.config("pluginsDirectory", pluginsDirectory.toString()));
        try {
            all.add(ConfigOverride.config("dataDirectory", Files.createTempDirectory("sandbox-data").toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        all.addAll(Arrays.asList(overrides));
        return new DropwizardAppExtension<>(SandboxApplication.class, ResourceHelpers.resourceFilePath("test-server.yml"),
                all.toArray(ConfigOverride[]::new));
    }
}
