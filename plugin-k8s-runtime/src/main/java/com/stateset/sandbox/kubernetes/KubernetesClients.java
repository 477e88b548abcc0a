package com.stateset.sandbox.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.okhttp.OkHttpClientFactory;
import java.io.File;

/**
 * Builds the fabric8 client explicitly: OkHttp named directly rather than found by a service
 * loader (the plugin runs in its own class loader; OkHttp's websocket queue is the one the client's
 * stdin back-pressure is built for), credentials from a kubeconfig path
 * or the pod's service account, and bounded retries so an unreachable API server is reported
 * within seconds.
 */
final class KubernetesClients {

    private KubernetesClients() {
    }

    static KubernetesClient connect(KubernetesRuntimeConfig config) {
        Config base;
        if (config.kubeconfig() != null) {
            base = Config.fromKubeconfig(new File(config.kubeconfig()));
        } else {
            // The in-cluster service account (token, CA and address the kubelet mounts), else
            // KUBECONFIG or ~/.kube/config.
            base = Config.autoConfigure(null);
        }
        ConfigBuilder builder = new ConfigBuilder(base)
                .withNamespace(config.namespace())
                .withRequestRetryBackoffLimit(config.requestRetries())
                .withRequestRetryBackoffInterval(200)
                .withConnectionTimeout(5_000)
                .withRequestTimeout(config.requestTimeoutSeconds() * 1000);
        if (config.masterUrl() != null) {
            builder.withMasterUrl(config.masterUrl());
        }
        return new KubernetesClientBuilder()
                .withConfig(builder.build())
                .withHttpClientFactory(new OkHttpClientFactory())
                .build();
    }
}
