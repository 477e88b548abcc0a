package com.stateset.sandbox.distribution;

import com.stateset.sandbox.testing.Infrastructure;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.okhttp.OkHttpClientFactory;
import java.io.File;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The production scenarios against a real cluster: opt-in, not part of the test suite (its name
 * does not end in IT). With {@code KUBECONFIG} pointing at a cluster (kind or k3s will do) whose
 * nodes have the template images, and PostgreSQL as for the other tests:
 * {@code ./mvnw -pl distribution -am verify -Dit.test=KubernetesClusterE2E -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false} (see the README). The namespace {@code
 * SANDBOX_E2E_NAMESPACE} (default {@code stateset-sandboxes}) must exist.
 */
class KubernetesClusterE2E extends ProductionScenarios {

    private static final String NAMESPACE = System.getenv().getOrDefault("SANDBOX_E2E_NAMESPACE", "stateset-sandboxes");
    private KubernetesClient cluster;

    @BeforeEach
    void connect() {
        String kubeconfig = System.getenv("KUBECONFIG");
        Infrastructure.require(kubeconfig != null && new File(kubeconfig).isFile(), "a cluster named by KUBECONFIG");
        cluster = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(new File(kubeconfig)))
                .withHttpClientFactory(new OkHttpClientFactory()).build();
    }

    @AfterEach
    void disconnect() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    String namespace() {
        return NAMESPACE;
    }

    @Override
    KubernetesClient cluster() {
        return cluster;
    }

    @Override
    Map<String, String> clusterEnvironment() {
        return Map.of("SANDBOX_KUBECONFIG", System.getenv("KUBECONFIG"), "SANDBOX_KUBERNETES_NAMESPACE", NAMESPACE);
    }
}
