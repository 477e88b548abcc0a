package com.stateset.sandbox.server.health;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.health.HealthCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether the server's data directory is writable. */
public final class StorageHealthCheck extends HealthCheck {

    private final Path dataDirectory;

    public StorageHealthCheck(Path dataDirectory) {
        this.dataDirectory = requireNonNull(dataDirectory, "dataDirectory is null");
    }

    @Override
    protected Result check() throws IOException {
        Path probe = Files.createTempFile(dataDirectory, ".health", ".tmp");
        Files.delete(probe);
        return Result.healthy();
    }
}
