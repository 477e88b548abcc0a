package com.stateset.sandbox.server.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the build that tests rely on. */
public final class TestPaths {

    private TestPaths() {
    }

    /** The Docker runtime plugin as its module lays it out for PF4J (built earlier in the reactor). */
    public static Path pluginsDirectory() {
        Path dir = Path.of("..", "..", "plugin-docker-runtime", "target", "plugin").toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("docker-runtime"))) {
            throw new IllegalStateException(dir + " has no docker-runtime plugin; build from the root: ./mvnw verify");
        }
        return dir;
    }
}
