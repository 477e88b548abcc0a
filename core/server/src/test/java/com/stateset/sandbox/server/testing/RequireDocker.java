package com.stateset.sandbox.server.testing;

import com.stateset.sandbox.testing.Infrastructure;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Register before the server extension: skips (fails in CI) unless the Docker engine answers and
 * the test images are built.
 */
public final class RequireDocker implements BeforeAllCallback {

    public static final List<String> IMAGES = List.of("stateset-sandbox/python-basic:latest", "stateset-sandbox/node-basic:latest");

    @Override
    public void beforeAll(ExtensionContext context) {
        Infrastructure.require(DockerCli.run("info").exitCode() == 0, "a Docker engine (docker info)");
        for (String image : IMAGES) {
            Infrastructure.require(DockerCli.run("image", "inspect", image).exitCode() == 0,
                    "the image " + image + " (build it with scripts/build-images)");
        }
    }
}
