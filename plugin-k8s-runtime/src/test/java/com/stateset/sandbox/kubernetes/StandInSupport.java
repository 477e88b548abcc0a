package com.stateset.sandbox.kubernetes;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import com.stateset.sandbox.testing.Infrastructure;
import java.io.IOException;
import java.io.UncheckedIOException;

/** What the stand-in node needs (the local Docker engine and the test image), and a runtime config pointing at it. */
final class StandInSupport {

    private StandInSupport() {
    }

    static KubernetesRuntimeConfig config(KubeletStandIn node) {
        return new KubernetesRuntimeConfig().withMasterUrl(node.url()).withNamespace(KubernetesRuntimeIT.NAMESPACE);
    }

    static void requireEngineAndImage(String image) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        try (DockerClient docker = DockerClientImpl.getInstance(config,
                new ZerodepDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build())) {
            try {
                docker.pingCmd().exec();
            } catch (RuntimeException e) {
                Infrastructure.require(false, "a Docker engine (the stand-in node runs pods on it)");
            }
            try {
                docker.inspectImageCmd(image).exec();
            } catch (NotFoundException e) {
                Infrastructure.require(false, "the image " + image + " (build it with scripts/build-images)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
