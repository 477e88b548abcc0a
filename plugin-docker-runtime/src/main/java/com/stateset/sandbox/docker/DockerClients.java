package com.stateset.sandbox.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.time.Duration;

/** Builds the docker-java client: the configured host, else {@code DOCKER_HOST}, else the local socket. */
final class DockerClients {

    private DockerClients() {
    }

    static DockerClient connect(DockerRuntimeConfig config) {
        DefaultDockerClientConfig.Builder builder = DefaultDockerClientConfig.createDefaultConfigBuilder();
        if (config.host() != null) {
            builder.withDockerHost(config.host());
        }
        DockerClientConfig clientConfig = builder.build();
        // No response timeout: exec output may pause for as long as the command likes; the runtime
        // enforces command timeouts itself.
        DockerHttpClient http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(clientConfig.getDockerHost())
                .sslConfig(clientConfig.getSSLConfig())
                .maxConnections(config.maxConnections())
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
        return DockerClientImpl.getInstance(clientConfig, http);
    }
}
