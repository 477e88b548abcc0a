package com.stateset.sandbox.kubernetes;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sandbox namespace's two NetworkPolicies. The first selects every sandbox pod and allows
 * nothing in or out; the second lets pods labelled for egress reach the internet and the cluster's
 * DNS, never the cluster's own ranges or the cloud metadata address. (They hold only where the
 * cluster's network plugin enforces NetworkPolicy.)
 */
final class EgressPolicies {

    static final String DEFAULT_DENY = "stateset-sandbox-default-deny";
    static final String ALLOW_EGRESS = "stateset-sandbox-allow-egress";

    private final KubernetesRuntimeConfig config;

    EgressPolicies(KubernetesRuntimeConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    List<NetworkPolicy> policies() {
        return List.of(defaultDeny(), allowEgress());
    }

    NetworkPolicy defaultDeny() {
        return new NetworkPolicyBuilder()
                .withNewMetadata()
                    .withName(DEFAULT_DENY)
                    .withNamespace(config.namespace())
                    .withLabels(Map.of(SandboxPods.MANAGED_BY, SandboxPods.MANAGER))
                .endMetadata()
                .withNewSpec()
                    .withNewPodSelector().withMatchLabels(Map.of(SandboxPods.MANAGED_BY, SandboxPods.MANAGER)).endPodSelector()
                    .withPolicyTypes("Ingress", "Egress")
                .endSpec()
                .build();
    }

    NetworkPolicy allowEgress() {
        List<String> v4 = config.deniedEgressCidrs().stream().filter(c -> !c.contains(":")).toList();
        List<String> v6 = config.deniedEgressCidrs().stream().filter(c -> c.contains(":")).toList();
        List<NetworkPolicyEgressRule> rules = new ArrayList<>();
        rules.add(new NetworkPolicyEgressRuleBuilder()
                .addNewTo().withNewIpBlock().withCidr("0.0.0.0/0").withExcept(v4).endIpBlock().endTo()
                .addNewTo().withNewIpBlock().withCidr("::/0").withExcept(v6).endIpBlock().endTo()
                .build());
        // Names resolve through the cluster's DNS, which lives in a range denied above.
        rules.add(new NetworkPolicyEgressRuleBuilder()
                .addNewTo()
                    .withNewNamespaceSelector().withMatchLabels(Map.of("kubernetes.io/metadata.name", "kube-system")).endNamespaceSelector()
                    .withNewPodSelector().withMatchLabels(Map.of("k8s-app", "kube-dns")).endPodSelector()
                .endTo()
                .withPorts(
                        new NetworkPolicyPortBuilder().withProtocol("UDP").withPort(new IntOrString(53)).build(),
                        new NetworkPolicyPortBuilder().withProtocol("TCP").withPort(new IntOrString(53)).build())
                .build());
        return new NetworkPolicyBuilder()
                .withNewMetadata()
                    .withName(ALLOW_EGRESS)
                    .withNamespace(config.namespace())
                    .withLabels(Map.of(SandboxPods.MANAGED_BY, SandboxPods.MANAGER))
                .endMetadata()
                .withNewSpec()
                    .withNewPodSelector().withMatchLabels(Map.of(
                            SandboxPods.MANAGED_BY, SandboxPods.MANAGER,
                            SandboxPods.EGRESS, SandboxPods.ALLOWED)).endPodSelector()
                    .withPolicyTypes("Egress")
                    .withEgress(rules)
                .endSpec()
                .build();
    }
}
