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

    /**
     * Connections for the agents' channels: each holds one for as long as its sandbox runs, so
     * they come from a pool of their own, never in the way of the engine calls that create, inspect
     * and stop sandboxes (whose pool is {@code maxConnections}).
     */
    private static final int AGENT_CHANNELS = 16_384;

    static DockerClient connect(DockerRuntimeConfig config) {
        return connect(config, config.maxConnections());
    }

    /** A client whose pool holds a connection for every agent's channel (see {@link #AGENT_CHANNELS}). */
    static DockerClient connectForAgents(DockerRuntimeConfig config) {
        return connect(config, AGENT_CHANNELS);
    }

    private static DockerClient connect(DockerRuntimeConfig config, int maxConnections) {
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
                .maxConnections(maxConnections)
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
        return DockerClientImpl.getInstance(clientConfig, http);
    }
}
