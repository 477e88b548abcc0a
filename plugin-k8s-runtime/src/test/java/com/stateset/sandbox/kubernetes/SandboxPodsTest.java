package com.stateset.sandbox.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stateset.sandbox.spi.runtime.Isolations;
import com.stateset.sandbox.spi.runtime.SandboxLabels;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;
import com.stateset.sandbox.spi.runtime.SandboxSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pod and the policies as the API server receives them: the rules of the "restricted" Pod Security Standard and the rest. */
class SandboxPodsTest {

    private final KubernetesRuntimeConfig config = new KubernetesRuntimeConfig()
            .withNamespace("sandboxes")
            .withRuntimeClassName("gvisor")
            .withNodeSelector(Map.of("stateset.io/sandbox-node", "true"))
            .withTolerations(List.of(new KubernetesRuntimeConfig.Toleration("sandbox", "Exists", null, "NoSchedule")));

    private Pod pod(boolean network) {
        return new SandboxPods(config).pod(new SandboxSpec("sbx_ab12", "stateset-sandbox/python-basic:latest", 500,
                256L << 20, Map.of("GREETING", "hello"), network, Map.of(
                        SandboxLabels.SANDBOX_ID, "sbx_ab12",
                        SandboxLabels.ORG_ID, "org_1",
                        SandboxLabels.INSTALL_ID, "inst_1")));
    }

    @Test
    void thePodMeetsTheRestrictedPodSecurityStandard() {
        PodSpec spec = pod(false).getSpec();
        assertThat(spec.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(spec.getSecurityContext().getRunAsUser()).isEqualTo(1000L);
        assertThat(spec.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(spec.getHostNetwork()).isFalse();
        assertThat(spec.getHostPID()).isFalse();
        assertThat(spec.getHostIPC()).isFalse();
        assertThat(spec.getAutomountServiceAccountToken()).isFalse();
        assertThat(spec.getEnableServiceLinks()).isFalse();
        assertThat(spec.getRestartPolicy()).isEqualTo("Never");
        assertThat(spec.getVolumes()).as("no host paths").allSatisfy(v -> {
            assertThat(v.getHostPath()).isNull();
            assertThat(v.getEmptyDir()).isNotNull();
            assertThat(v.getEmptyDir().getSizeLimit()).isNotNull();
        });
        assertThat(spec.getContainers()).hasSize(1);
        Container container = spec.getContainers().get(0);
        var security = container.getSecurityContext();
        assertThat(security.getRunAsNonRoot()).isTrue();
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getPrivileged()).isFalse();
        assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(container.getPorts()).as("reachable only through the API").isNullOrEmpty();
        assertThat(container.getVolumeMounts()).extracting(m -> m.getMountPath())
                .containsExactlyInAnyOrder("/workspace", "/tmp", "/home/sandbox");
    }

    @Test
    void resourcesPlacementAndLabelsComeFromTheSpecAndTheConfig() {
        Pod pod = pod(true);
        assertThat(pod.getMetadata().getName()).isEqualTo("sbx-ab12");
        assertThat(pod.getMetadata().getNamespace()).isEqualTo("sandboxes");
        assertThat(pod.getMetadata().getOwnerReferences()).as("no owner: a controller restart cascades nothing").isNullOrEmpty();
        assertThat(pod.getMetadata().getLabels())
                .containsEntry(SandboxLabels.SANDBOX_ID, "sbx_ab12")
                .containsEntry(SandboxLabels.ORG_ID, "org_1")
                .containsEntry(SandboxLabels.INSTALL_ID, "inst_1")
                .containsEntry(SandboxPods.RUNTIME_ID, "sbx_ab12")
                .containsEntry(SandboxPods.EGRESS, SandboxPods.ALLOWED);
        assertThat(pod(false).getMetadata().getLabels()).containsEntry(SandboxPods.EGRESS, SandboxPods.DENIED);

        PodSpec spec = pod.getSpec();
        assertThat(spec.getRuntimeClassName()).isEqualTo("gvisor");
        assertThat(spec.getNodeSelector()).containsEntry("stateset.io/sandbox-node", "true");
        assertThat(spec.getTolerations()).singleElement().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("sandbox");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        var resources = spec.getContainers().get(0).getResources();
        long disk = (1L << 30) + (256L << 20) + (128L << 20);
        assertThat(resources.getRequests().get("cpu")).isEqualTo(new Quantity("500m"));
        assertThat(resources.getLimits().get("cpu")).isEqualTo(new Quantity("500m"));
        assertThat(Quantity.getAmountInBytes(resources.getRequests().get("memory")).longValue()).isEqualTo(256L << 20);
        assertThat(Quantity.getAmountInBytes(resources.getLimits().get("memory")).longValue())
                .as("memory-backed volumes count towards the limit").isEqualTo((256L << 20) + disk);
        assertThat(resources.getLimits()).containsKey("ephemeral-storage");
        assertThat(spec.getContainers().get(0).getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("GREETING");
            assertThat(e.getValue()).isEqualTo("hello");
        });
    }

    @Test
    void kubernetesEndsThePodAtTheSandboxsLongestLifetime() {
        Map<String, String> labels = Map.of(SandboxLabels.SANDBOX_ID, "sbx_ab12", SandboxLabels.INSTALL_ID, "inst_1");
        SandboxPods pods = new SandboxPods(config);
        assertThat(pods.pod(new SandboxSpec("sbx_ab12", "img", 500, 256L << 20, Map.of(), false, labels, Isolations.CONTAINER,
                Duration.ofHours(24))).getSpec().getActiveDeadlineSeconds()).isEqualTo(86_400L);
        assertThat(pod(false).getSpec().getActiveDeadlineSeconds()).as("no limit asked, none set").isNull();
    }

    @Test
    void idsThatCannotNameAPodOrLabelsThatCannotBeLabelsAreRefused() {
        SandboxPods pods = new SandboxPods(config);
        assertThatThrownBy(() -> SandboxPods.podName("sbx_" + "a".repeat(70))).isInstanceOf(SandboxRuntimeException.class);
        assertThatThrownBy(() -> pods.pod(new SandboxSpec("sbx_1", "img", 100, 1 << 20, Map.of(), false,
                Map.of(SandboxLabels.ORG_ID, "not a label value"))))
                .isInstanceOf(SandboxRuntimeException.class).hasMessageContaining(SandboxLabels.ORG_ID);
    }

    @Test
    void policiesDenyEverythingAndLetOnlyEgressPodsOutButNeverIntoTheCluster() {
        List<NetworkPolicy> policies = new EgressPolicies(config).policies();
        NetworkPolicy deny = policies.get(0);
        assertThat(deny.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(deny.getSpec().getIngress()).isNullOrEmpty();
        assertThat(deny.getSpec().getEgress()).isNullOrEmpty();
        assertThat(deny.getSpec().getPodSelector().getMatchLabels()).containsEntry(SandboxPods.MANAGED_BY, SandboxPods.MANAGER);

        NetworkPolicy egress = policies.get(1);
        assertThat(egress.getSpec().getPolicyTypes()).containsExactly("Egress");
        assertThat(egress.getSpec().getPodSelector().getMatchLabels()).containsEntry(SandboxPods.EGRESS, SandboxPods.ALLOWED);
        var internet = egress.getSpec().getEgress().get(0).getTo();
        assertThat(internet.get(0).getIpBlock().getCidr()).isEqualTo("0.0.0.0/0");
        assertThat(internet.get(0).getIpBlock().getExcept())
                .contains("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16");
        assertThat(internet.get(1).getIpBlock().getExcept()).contains("fc00::/7", "fe80::/10");
        var dns = egress.getSpec().getEgress().get(1);
        assertThat(dns.getPorts()).extracting(p -> p.getPort().getIntVal()).containsOnly(53);
    }

    @Test
    void transmittedBytesAreSummedOverEveryInterfaceButLoopback() {
        String dev = """
                Inter-|   Receive                                                |  Transmit
                 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                    lo:    1000      10    0    0    0     0          0         0     9999      10    0    0    0     0       0          0
                  eth0: 5000000    3000    0    0    0     0          0         0  1234567    1000    0    0    0     0       0          0
                  eth1:       0       0    0    0    0     0          0         0      100       1    0    0    0     0       0          0
                """;
        assertThat(KubernetesRuntime.transmitted(dev)).isEqualTo(1234667);
    }
}
