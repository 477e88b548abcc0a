package com.stateset.sandbox.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code docker build} from a Debian base image (a registry's, or one the engine has), provisioned by a RUN. */
final class DockerfileStrategy implements Strategy {

    private final Engine engine;
    private final String base;

    DockerfileStrategy(Engine engine, String base) {
        this.engine = engine;
        this.base = base;
    }

    @Override
    public void build(Recipe recipe, String repository, String tag, BuildLog log) {
        log.step("docker build");
        Path context = null;
        try {
            context = Files.createTempDirectory("stateset-sandbox-" + recipe.name() + ".");
            Files.writeString(context.resolve("provision.sh"), ImageLayout.provisionScript(recipe));
            Files.writeString(context.resolve("Dockerfile"), ImageLayout.dockerfile(base, recipe));
            engine.build(context, repository + ":" + tag, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            Trees.delete(context);
        }
    }
}
