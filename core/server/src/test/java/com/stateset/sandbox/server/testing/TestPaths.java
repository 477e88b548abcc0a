package com.stateset.sandbox.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the build that tests rely on. */
public final class TestPaths {

    private TestPaths() {
    }

    /** The Docker runtime plugin as its module lays it out for PF4J (built earlier in the reactor). */
    public static Path pluginsDirectory() {
        return pluginDirectory("plugin-docker-runtime", "docker-runtime").getParent();
    }

    /** A plugins directory holding the Docker runtime and the S3 store, linked from their modules. */
    public static Path pluginsDirectoryWithS3() {
        try {
            Path dir = Files.createTempDirectory("plugins");
            Files.createSymbolicLink(dir.resolve("docker-runtime"), pluginDirectory("plugin-docker-runtime", "docker-runtime"));
            Files.createSymbolicLink(dir.resolve("storage-s3"), pluginDirectory("plugin-storage-s3", "storage-s3"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A plugins directory holding the Docker runtime and the example third-party plugin
     * (examples/event-sink-plugin), as the SPI module's build made it outside the reactor.
     */
    public static Path pluginsDirectoryWithExample() {
        Path jar = Path.of("..", "spi", "target", "examples", "event-sink-plugin", "target", "jsonl-event-sink-1.0.0.jar")
                .toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; core/spi's verify builds it: ./mvnw verify -pl core/server -am");
        }
        try {
            Path dir = Files.createTempDirectory("plugins");
            Files.createSymbolicLink(dir.resolve("docker-runtime"), pluginDirectory("plugin-docker-runtime", "docker-runtime"));
            Files.copy(jar, dir.resolve(jar.getFileName()));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path pluginDirectory(String module, String pluginId) {
        Path dir = Path.of("..", "..", module, "target", "plugin", pluginId).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(dir + " is missing; build from the root: ./mvnw verify");
        }
        return dir;
    }
}
