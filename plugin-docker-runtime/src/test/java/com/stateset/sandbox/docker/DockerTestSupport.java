package com.stateset.sandbox.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.stateset.sandbox.spi.runtime.ExecOutput;
import com.stateset.sandbox.spi.runtime.ExecResult;
import com.stateset.sandbox.spi.runtime.ExecSpec;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.testing.Infrastructure;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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

    /** The engine, the image, the agent, and gVisor registered with the engine as the README shows (runsc). */
    static void requireGvisor(String image) {
        requireEngineImageAndAgent(image);
        try (DockerClient docker = DockerClients.connect(new DockerRuntimeConfig())) {
            Infrastructure.require(docker.infoCmd().exec().getRuntimes().containsKey("runsc"),
                    "the gVisor runtime (runsc) registered with the Docker engine");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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

    /** A shell command's answer and standard output. */
    record Answer(ExecResult result, String stdout) {
    }

    /** Runs {@code command} with {@code /bin/sh -c}, keeping its standard output. */
    static Answer run(SandboxRuntime runtime, String id, String command, Duration timeout) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExecResult result = runtime.exec(id, new ExecSpec(List.of("/bin/sh", "-c", command), Map.of(), null, timeout), new ExecOutput() {
            @Override
            public void stdout(byte[] bytes, int offset, int length) {
                out.write(bytes, offset, length);
            }

            @Override
            public void stderr(byte[] bytes, int offset, int length) {
            }
        });
        return new Answer(result, out.toString(StandardCharsets.UTF_8));
    }
}
