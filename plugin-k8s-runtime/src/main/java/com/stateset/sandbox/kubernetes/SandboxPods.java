package com.stateset.sandbox.kubernetes;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;
import com.stateset.sandbox.spi.runtime.SandboxSpec;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The pod of one sandbox, within the "restricted" Pod Security Standard: non-root user, no
 * privilege escalation, every capability dropped, the runtime's default seccomp profile, a
 * read-only root file system with size-limited {@code emptyDir} volumes for the workspace, {@code
 * /tmp} and home, no service account token, no service links, no host namespaces or paths. It has
 * no owner (a controller restart must not cascade-delete it) and never restarts.
 */
final class SandboxPods {

    /** The sandbox's current id (changed when a warm pool's pod is claimed); pod names never change. */
    static final String RUNTIME_ID = "io.stateset.sandbox.runtime-id";
    /** Whether the egress NetworkPolicy lets the pod out: {@value #ALLOWED} or {@value #DENIED}. */
    static final String EGRESS = "io.stateset.sandbox.egress";
    static final String ALLOWED = "allowed";
    static final String DENIED = "denied";
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String MANAGER = "stateset-sandbox";

    private static final Pattern POD_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");
    private static final Pattern LABEL_VALUE = Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$");
    /** Room on the node's disk for the container's own writes (logs, runtime state). */
    private static final long CONTAINER_OVERHEAD_BYTES = 64L << 20;

    // Pid 1 of the pod: idles until stopped; on TERM (sent by stop) it kills every process of the
    // sandbox user and exits, so the pod ends "Succeeded". A shell as pid 1 also reaps orphans.
    static final String SUPERVISOR = """
            trap 'kill -9 -1 2>/dev/null; exit 0' TERM INT
            while :; do
              sleep 2147483647 &
              wait $!
            done
            """;

    private final KubernetesRuntimeConfig config;

    SandboxPods(KubernetesRuntimeConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    /** Pod names are DNS labels: {@code sbx_ab12} becomes {@code sbx-ab12}. */
    static String podName(String sandboxId) {
        String name = sandboxId.toLowerCase(Locale.ROOT).replace('_', '-');
        if (!POD_NAME.matcher(name).matches()) {
            throw new SandboxRuntimeException("sandbox id " + sandboxId + " cannot name a pod");
        }
        return name;
    }

    Pod pod(SandboxSpec spec) {
        Map<String, String> labels = new LinkedHashMap<>();
        spec.labels().forEach((key, value) -> {
            if (!LABEL_VALUE.matcher(value).matches()) {
                throw new SandboxRuntimeException("label " + key + " has a value a pod label cannot hold");
            }
            labels.put(key, value);
        });
        labels.put(RUNTIME_ID, spec.sandboxId());
        labels.put(EGRESS, spec.network() ? ALLOWED : DENIED);
        labels.put(MANAGED_BY, MANAGER);

        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("HOME", config.homeDirectory(), null));
        spec.env().forEach((k, v) -> env.add(new EnvVar(k, v, null)));

        long disk = config.workspaceBytes() + config.tmpBytes() + config.homeBytes();
        // In-memory volumes are charged to the pod's memory: the limit adds their sizes, so a full
        // disk gives ENOSPC and processes still have all the memory asked for.
        long memoryLimit = spec.memoryBytes() + (config.memoryBackedVolumes() ? disk : 0);
        long ephemeral = (config.memoryBackedVolumes() ? 0 : disk) + CONTAINER_OVERHEAD_BYTES;
        Map<String, Quantity> requests = Map.of(
                "cpu", new Quantity(spec.cpuMillis() + "m"),
                "memory", new Quantity(Long.toString(spec.memoryBytes())),
                "ephemeral-storage", new Quantity(Long.toString(ephemeral)));
        Map<String, Quantity> limits = Map.of(
                "cpu", new Quantity(spec.cpuMillis() + "m"),
                "memory", new Quantity(Long.toString(memoryLimit)),
                "ephemeral-storage", new Quantity(Long.toString(ephemeral)));

        return new PodBuilder()
                .withNewMetadata()
                    .withName(podName(spec.sandboxId()))
                    .withNamespace(config.namespace())
                    .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                    .withRestartPolicy("Never")
                    .withHostname("sandbox")
                    .withAutomountServiceAccountToken(false)
                    .withEnableServiceLinks(false)
                    .withHostNetwork(false)
                    .withHostPID(false)
                    .withHostIPC(false)
                    .withShareProcessNamespace(false)
                    .withTerminationGracePeriodSeconds(1L)
                    // Kubernetes ends the pod at the sandbox's longest lifetime even while the server
                    // is down (it may only ever be lowered, so it is the limit no extend passes).
                    .withActiveDeadlineSeconds(spec.maxLifetime() == null ? null : Math.max(1, spec.maxLifetime().toSeconds()))
                    .withRuntimeClassName(config.runtimeClassName(spec.isolation()))
                    .withNodeSelector(config.nodeSelector().isEmpty() ? null : config.nodeSelector())
                    .withTolerations(tolerations())
                    .withImagePullSecrets(config.imagePullSecrets().stream().map(LocalObjectReference::new).toList())
                    .withNewSecurityContext()
                        .withRunAsNonRoot(true)
                        .withRunAsUser((long) config.uid())
                        .withRunAsGroup((long) config.gid())
                        .withFsGroup((long) config.gid())
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                    .endSecurityContext()
                    .addNewContainer()
                        .withName(PodExec.CONTAINER)
                        .withImage(spec.image())
                        .withImagePullPolicy(config.imagePullPolicy())
                        .withCommand("/bin/sh", "-c", SUPERVISOR, "supervisor")
                        .withWorkingDir(SandboxRuntime.WORKSPACE)
                        .withEnv(env)
                        .withNewResources().withRequests(requests).withLimits(limits).endResources()
                        .withNewSecurityContext()
                            .withRunAsNonRoot(true)
                            .withRunAsUser((long) config.uid())
                            .withRunAsGroup((long) config.gid())
                            .withAllowPrivilegeEscalation(false)
                            .withPrivileged(false)
                            .withReadOnlyRootFilesystem(true)
                            .withNewCapabilities().withDrop("ALL").endCapabilities()
                            .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                        .endSecurityContext()
                        .withVolumeMounts(
                                mount("workspace", SandboxRuntime.WORKSPACE),
                                mount("tmp", "/tmp"),
                                mount("home", config.homeDirectory()))
                    .endContainer()
                    .withVolumes(
                            emptyDir("workspace", config.workspaceBytes()),
                            emptyDir("tmp", config.tmpBytes()),
                            emptyDir("home", config.homeBytes()))
                .endSpec()
                .build();
    }

    private static VolumeMount mount(String volume, String path) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).build();
    }

    private Volume emptyDir(String name, long bytes) {
        return new VolumeBuilder()
                .withName(name)
                .withEmptyDir(new EmptyDirVolumeSourceBuilder()
                        .withMedium(config.memoryBackedVolumes() ? "Memory" : null)
                        .withSizeLimit(new Quantity(Long.toString(bytes)))
                        .build())
                .build();
    }

    private List<Toleration> tolerations() {
        return config.tolerations().stream()
                .map(t -> new TolerationBuilder()
                        .withKey(t.key())
                        .withOperator(t.operator())
                        .withValue(t.value())
                        .withEffect(t.effect())
                        .build())
                .toList();
    }
}
