package com.stateset.sandbox.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The manifests in {@code deploy/kubernetes/} and the image's Dockerfile, parsed as the API server
 * and the builder would, with their required fields and security settings checked.
 */
class DeployManifestsTest {

    private static final Path DEPLOY = Path.of(System.getProperty("sandbox.root", "..")).resolve("deploy/kubernetes");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final String CONTROLLER_NS = "stateset-sandbox";
    private static final String SANDBOX_NS = "stateset-sandboxes";

    private static List<HasMetadata> load(String file) throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : Files.readString(DEPLOY.resolve(file)).split("(?m)^---\\s*$")) {
            if (document.lines().anyMatch(l -> l.startsWith("kind:"))) {
                objects.add(SERIALIZATION.unmarshal(document));
            }
        }
        return objects;
    }

    private static <T> T only(String file, Class<T> type) throws IOException {
        List<HasMetadata> objects = load(file);
        assertThat(objects).singleElement().isInstanceOf(type);
        return type.cast(objects.get(0));
    }

    @Test
    void theKustomizationListsEveryManifestAndTheConfigMapIsTheProductionConfig() throws IOException {
        String kustomization = Files.readString(DEPLOY.resolve("kustomization.yaml"));
        try (Stream<Path> files = Files.list(DEPLOY)) {
            List<String> manifests = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml") && !n.equals("secret.example.yaml")).toList();
            assertThat(manifests).isNotEmpty().allSatisfy(m -> assertThat(kustomization).contains("- " + m));
        }
        assertThat(kustomization).contains("configMapGenerator").contains("- production.yml");
        assertThat(DEPLOY.resolve("production.yml")).as("kept equal to config/production.yml")
                .hasSameTextualContentAs(DEPLOY.resolve("../../config/production.yml"));
    }

    @Test
    void bothNamespacesEnforceTheRestrictedPodSecurityStandard() throws IOException {
        List<HasMetadata> namespaces = load("namespaces.yaml");
        assertThat(namespaces).extracting(n -> n.getMetadata().getName()).containsExactlyInAnyOrder(CONTROLLER_NS, SANDBOX_NS);
        assertThat(namespaces).allSatisfy(n -> assertThat(((Namespace) n).getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted"));
    }

    @Test
    void theControllerMayTouchOnlyPodsExecLogsAndNetworkPoliciesInTheSandboxNamespace() throws IOException {
        List<HasMetadata> rbac = load("rbac.yaml");
        assertThat(rbac).hasSize(2).noneMatch(o -> o.getKind().startsWith("Cluster"));
        Role role = (Role) rbac.stream().filter(Role.class::isInstance).findFirst().orElseThrow();
        assertThat(role.getMetadata().getNamespace()).isEqualTo(SANDBOX_NS);
        Set<String> resources = new LinkedHashSet<>();
        for (PolicyRule rule : role.getRules()) {
            resources.addAll(rule.getResources());
            assertThat(rule.getVerbs()).doesNotContain("*", "escalate", "bind", "impersonate");
            assertThat(rule.getApiGroups()).doesNotContain("*");
        }
        assertThat(resources).containsExactlyInAnyOrder("pods", "pods/exec", "pods/log", "networkpolicies");
        RoleBinding binding = (RoleBinding) rbac.stream().filter(RoleBinding.class::isInstance).findFirst().orElseThrow();
        assertThat(binding.getMetadata().getNamespace()).isEqualTo(SANDBOX_NS);
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        ServiceAccount account = only("serviceaccount.yaml", ServiceAccount.class);
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo(account.getMetadata().getName());
            assertThat(s.getNamespace()).isEqualTo(CONTROLLER_NS);
        });
    }

    @Test
    void theControllerRunsHardenedAsNonRootWithProbesOnHealthAndEverySecretFromTheSecret() throws IOException {
        Deployment deployment = only("deployment.yaml", Deployment.class);
        assertThat(deployment.getMetadata().getNamespace()).isEqualTo(CONTROLLER_NS);
        assertThat(deployment.getSpec().getReplicas()).as("one server per database").isEqualTo(1);
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo(only("serviceaccount.yaml", ServiceAccount.class).getMetadata().getName());
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull());
        assertThat(pod.getContainers()).singleElement().satisfies(container -> {
            var security = container.getSecurityContext();
            assertThat(security.getAllowPrivilegeEscalation()).isFalse();
            assertThat(security.getReadOnlyRootFilesystem()).isTrue();
            assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
            for (Probe probe : List.of(container.getReadinessProbe(), container.getLivenessProbe(), container.getStartupProbe())) {
                assertThat(probe.getHttpGet().getPath()).isEqualTo("/health");
            }
            assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
            assertThat(container.getArgs()).containsExactly("server", "/etc/stateset-sandbox/production.yml");
            assertThat(container.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/stateset-sandbox"));
        });
        Container container = pod.getContainers().get(0);
        assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getConfigMap().getName()).isEqualTo("stateset-sandbox-config"));

        // Every variable production.yml requires (no default) is set, secrets from the Secret.
        Map<String, EnvVar> env = new java.util.HashMap<>();
        container.getEnv().forEach(e -> env.put(e.getName(), e));
        Matcher required = Pattern.compile("\\$\\{([A-Z0-9_]+)}").matcher(Files.readAllLines(DEPLOY.resolve("production.yml")).stream()
                .filter(l -> !l.strip().startsWith("#")).collect(java.util.stream.Collectors.joining("\n")));
        List<String> requiredNames = new ArrayList<>();
        while (required.find()) {
            requiredNames.add(required.group(1));
        }
        assertThat(requiredNames).contains("SANDBOX_DATABASE_PASSWORD", "SANDBOX_JWT_SECRET", "SANDBOX_SECRETS_MASTER_KEY")
                .allSatisfy(name -> assertThat(env).containsKey(name));
        String exampleSecret = Files.readString(DEPLOY.resolve("secret.example.yaml"));
        for (EnvVar variable : container.getEnv()) {
            if (variable.getName().matches(".*(PASSWORD|SECRET|KEY)$")) {
                assertThat(variable.getValue()).as(variable.getName() + " comes from the Secret, never inline").isNull();
            }
            if (variable.getValueFrom() != null) {
                var ref = variable.getValueFrom().getSecretKeyRef();
                assertThat(ref.getName()).isEqualTo("stateset-sandbox");
                assertThat(exampleSecret).contains("  " + ref.getKey() + ":");
            }
        }
    }

    @Test
    void theServiceSelectsTheControllerAndTheBudgetsCoverBothSides() throws IOException {
        Service service = only("service.yaml", Service.class);
        Deployment deployment = only("deployment.yaml", Deployment.class);
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(service.getSpec().getSelector());
        List<HasMetadata> budgets = load("poddisruptionbudgets.yaml");
        assertThat(budgets).extracting(b -> b.getMetadata().getNamespace()).containsExactlyInAnyOrder(CONTROLLER_NS, SANDBOX_NS);
        PodDisruptionBudget sandboxes = (PodDisruptionBudget) budgets.stream()
                .filter(b -> b.getMetadata().getNamespace().equals(SANDBOX_NS)).findFirst().orElseThrow();
        assertThat(sandboxes.getSpec().getSelector().getMatchLabels()).containsEntry(SandboxPods.MANAGED_BY, SandboxPods.MANAGER);
        assertThat(sandboxes.getSpec().getMaxUnavailable().getIntVal()).isZero();
    }

    @Test
    void theImageRunsTheDistributionAsANonRootUser() throws IOException {
        List<String> lines = Files.readAllLines(DEPLOY.resolve("Dockerfile")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(lines.get(0)).startsWith("FROM ");
        String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow().substring(5).strip();
        assertThat(Arrays.stream(user.split(":")).mapToInt(Integer::parseInt)).allSatisfy(id -> assertThat(id).isPositive());
        assertThat(lines).anyMatch(l -> l.startsWith("COPY ") && l.contains("sandbox-${VERSION}/"))
                .noneMatch(l -> l.startsWith("ADD http"))
                .contains("ENTRYPOINT [\"/opt/stateset-sandbox/bin/sandbox\"]")
                .anyMatch(l -> l.startsWith("CMD ") && l.contains("production.yml"));
    }
}
