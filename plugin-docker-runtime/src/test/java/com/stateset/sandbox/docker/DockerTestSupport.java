package com.stateset.sandbox.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.stateset.sandbox.testing.Infrastructure;

/** Finds the local engine and the test image, or skips (fails in CI) saying which is missing. */
final class DockerTestSupport {

    /** The agent as the build makes it (the agent module builds first). */
    static final String AGENT = System.getProperty("sandbox.test.agent", "../agent/target/stateset-agent");

    private DockerTestSupport() {
    }

    /** The engine, the image and the agent's binary, built by the agent module (mvn -pl agent package). */
    static void requireEngineImageAndAgent(String image) {
        requireEngineAndImage(image);
        Infrastructure.require(java.nio.file.Files.isExecutable(java.nio.file.Path.of(AGENT)), "the agent's binary at " + AGENT);
    }

    static void requireEngineAndImage(String image) {
        try (DockerClient docker = DockerClients.connect(new DockerRuntimeConfig())) {
            try {
                docker.pingCmd().exec();
            } catch (RuntimeException e) {
                Infrastructure.require(false, "a Docker engine");
            }
            try {
                docker.inspectImageCmd(image).exec();
            } catch (NotFoundException e) {
                Infrastructure.require(false, "the image " + image + " (build it with scripts/build-images)");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
