package com.stateset.sandbox.images;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The Docker engine, as the builder uses it (DOCKER_HOST, else the local socket). */
final class Engine implements Closeable {

    /** How long a check in a new image may take. */
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);

    private final DockerHttpClient http;
    private final DockerClient docker;

    private Engine(DockerHttpClient http, DockerClient docker) {
        this.http = http;
        this.docker = docker;
    }

    /** Connects, and checks that the engine answers. */
    static Engine connect() {
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        DockerHttpClient http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
        DockerClient docker = DockerClientImpl.getInstance(config, http);
        try {
            docker.pingCmd().exec();
        } catch (RuntimeException e) {
            throw new BuildException("cannot reach the Docker engine at " + config.getDockerHost() + ": " + e.getMessage());
        }
        return new Engine(http, docker);
    }

    /** The image's id, if the engine has it. */
    Optional<String> imageId(String image) {
        try {
            return Optional.of(docker.inspectImageCmd(image).exec().getId());
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** Builds the Dockerfile in {@code context} as {@code tag}, its output to {@code log}. */
    void build(Path context, String tag, BuildLog log) {
        try {
            docker.buildImageCmd(context.toFile())
                    .withTags(Set.of(tag))
                    .withPull(false)
                    .withRemove(true)
                    .withForcerm(true)
                    .exec(new BuildImageResultCallback() {
                        @Override
                        public void onNext(BuildResponseItem item) {
                            if (item.getStream() != null) {
                                log.output(item.getStream());
                            }
                            super.onNext(item);
                        }
                    })
                    .awaitImageId();
        } catch (RuntimeException e) {
            throw new BuildException("docker build failed: " + e.getMessage());
        }
    }

    /**
     * Imports a root file system (a tar stream) as {@code repository:tag} with the given Dockerfile
     * instructions ({@code docker import --change}). Through the transport itself: docker-java's
     * import command sends its stream as JSON.
     */
    void importRootfs(InputStream tar, String repository, String tag, List<String> changes) {
        StringBuilder path = new StringBuilder("/images/create?fromSrc=-&repo=").append(encode(repository))
                .append("&tag=").append(encode(tag));
        changes.forEach(change -> path.append("&changes=").append(encode(change)));
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.POST)
                .path(path.toString())
                .putHeader("Content-Type", "application/x-tar")
                .body(tar)
                .build();
        try (DockerHttpClient.Response response = http.execute(request)) {
            String answer = new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
            if (response.getStatusCode() != 200 || answer.contains("\"error\"")) {
                throw new BuildException("docker import failed: " + response.getStatusCode() + " " + answer.strip());
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BuildException built) {
                throw built;
            }
            throw new BuildException("docker import failed: " + e.getMessage());
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Runs {@code script} in a new container of {@code image} without network; its exit code and output. */
    Run run(String image, List<String> env, String script) {
        String id = docker.createContainerCmd(image)
                .withEnv(env)
                .withCmd("/bin/sh", "-c", script)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))
                .exec()
                .getId();
        try {
            docker.startContainerCmd(id).exec();
            int exitCode = docker.waitContainerCmd(id).start().awaitStatusCode(RUN_TIMEOUT.toMinutes(), TimeUnit.MINUTES);
            StringBuilder output = new StringBuilder();
            try (ResultCallback.Adapter<Frame> logs = docker.logContainerCmd(id).withStdOut(true).withStdErr(true)
                    .exec(new ResultCallback.Adapter<>() {
                        @Override
                        public void onNext(Frame frame) {
                            output.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                        }
                    })) {
                logs.awaitCompletion();
            }
            return new Run(exitCode, output.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException("interrupted");
        } catch (IOException e) {
            throw new BuildException("reading the output of " + image + " failed: " + e.getMessage());
        } catch (DockerClientException timedOut) {
            throw new BuildException(image + " did not finish its check within " + RUN_TIMEOUT.toMinutes() + " minutes");
        } finally {
            try {
                docker.removeContainerCmd(id).withForce(true).exec();
            } catch (RuntimeException leftBehind) {
                // the container is left for the engine's own cleanup; the run's outcome stands
            }
        }
    }

    void tag(String image, String repository, String tag) {
        docker.tagImageCmd(image, repository, tag).withForce(true).exec();
    }

    /** Removes an image (a tag, or an id); why not, if the engine refuses (another tag or a container uses it). */
    Optional<String> remove(String image) {
        try {
            docker.removeImageCmd(image).exec();
            return Optional.empty();
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (DockerException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        docker.close();
    }

    record Run(int exitCode, String output) {
    }
}
