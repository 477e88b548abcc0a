package com.stateset.sandbox.kubernetes;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.spi.runtime.ExecOutput;
import com.stateset.sandbox.spi.runtime.ExecResult;
import com.stateset.sandbox.spi.runtime.ExecSpec;
import com.stateset.sandbox.spi.runtime.ResourceUsage;
import com.stateset.sandbox.spi.runtime.RuntimeMisconfiguredException;
import com.stateset.sandbox.spi.runtime.RuntimeSandbox;
import com.stateset.sandbox.spi.runtime.RuntimeState;
import com.stateset.sandbox.spi.runtime.RuntimeUnavailableException;
import com.stateset.sandbox.spi.runtime.SandboxMissingException;
import com.stateset.sandbox.spi.runtime.SandboxNotRunningException;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;
import com.stateset.sandbox.spi.runtime.SandboxSpec;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.PodResource;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sandboxes as pods in one namespace (see {@link SandboxPods} for the pod, {@link EgressPolicies}
 * for its network, {@link PodExec} and {@link PodArchives} for commands and files). A pod is
 * found by its name, derived from the sandbox id, or, once a warm pool's pod has been claimed under
 * another id, by its {@link SandboxPods#RUNTIME_ID} label. A pod being deleted counts as gone.
 */
final class KubernetesRuntime implements SandboxRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesRuntime.class);
    private static final Duration SHORT = Duration.ofSeconds(30);
    private static final Duration STOP_WAIT = Duration.ofSeconds(20);
    /** Waiting reasons after which a pod will not start without someone changing something. */
    private static final Set<String> START_FAILURES = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "ErrImageNeverPull", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

    private final KubernetesRuntimeConfig config;
    private final KubernetesClient client;
    private final SandboxPods pods;
    private final EgressPolicies policies;
    private final PodExec exec;
    private final PodArchives archives;
    /** Pod names of sandboxes whose id differs from their pod's name (claimed from a pool). */
    private final Map<String, String> renamed = new ConcurrentHashMap<>();
    private volatile boolean policiesApplied;

    KubernetesRuntime(KubernetesRuntimeConfig config, KubernetesClient client) {
        this.config = requireNonNull(config, "config is null");
        this.client = requireNonNull(client, "client is null");
        this.pods = new SandboxPods(config);
        this.policies = new EgressPolicies(config);
        this.exec = new PodExec(client, config.namespace());
        this.archives = new PodArchives(exec);
    }

    @Override
    public List<String> writableDirectories() {
        return List.of(WORKSPACE, "/tmp", config.homeDirectory());
    }

    @Override
    public void create(SandboxSpec spec) {
        Pod pod = pods.pod(spec);
        applyPolicies();
        try {
            client.pods().inNamespace(config.namespace()).resource(pod).create();
        } catch (KubernetesClientException e) {
            if (KubernetesErrors.isConflict(e)) {
                throw new SandboxRuntimeException("a pod named " + pod.getMetadata().getName() + " already exists", e);
            }
            throw KubernetesErrors.refused(e);
        } catch (RuntimeException e) {
            throw KubernetesErrors.translate(e);
        }
    }

    /** The namespace's policies, before the first pod: a pod must never run without them. */
    private void applyPolicies() {
        if (policiesApplied) {
            return;
        }
        synchronized (this) {
            if (policiesApplied) {
                return;
            }
            for (NetworkPolicy policy : policies.policies()) {
                KubernetesErrors.call(() -> client.network().v1().networkPolicies().inNamespace(config.namespace())
                        .resource(policy).createOr(NonDeletingOperation::update));
            }
            policiesApplied = true;
        }
    }

    /** Waits until the pod runs and its container is ready; a pod that cannot start is an error. */
    @Override
    public RuntimeSandbox start(String sandboxId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(config.startTimeoutSeconds()).toNanos();
        for (int attempt = 0; ; attempt++) {
            Pod pod = find(sandboxId).orElseThrow(() -> new SandboxMissingException(sandboxId));
            RuntimeSandbox seen = sandbox(sandboxId, pod);
            switch (seen.state()) {
                case RUNNING -> {
                    return seen;
                }
                case EXITED, OTHER -> throw startFailure(sandboxId, seen.detail() == null ? "its pod ended" : seen.detail());
                default -> {
                    if (System.nanoTime() > deadline) {
                        throw new SandboxRuntimeException("sandbox " + sandboxId + " did not start within "
                                + config.startTimeoutSeconds() + " s" + (seen.detail() == null ? "" : ": " + seen.detail()));
                    }
                }
            }
            sleep(Math.min(250, 10L * (attempt + 1)));
        }
    }

    /**
     * Why a pod did not start, as the SPI tells it: an image that cannot be pulled or a container the
     * node cannot make, or a pod no node may take, will not start on a retry (the operator must act);
     * a cluster without room now may have room later; anything else is the runtime's own error.
     */
    static SandboxRuntimeException startFailure(String sandboxId, String detail) {
        String message = "sandbox " + sandboxId + " could not start: " + detail;
        if (detail.startsWith("unschedulable:")) {
            return detail.contains("Insufficient") ? new RuntimeUnavailableException(message, null)
                    : new RuntimeMisconfiguredException(message);
        }
        if (START_FAILURES.stream().anyMatch(detail::startsWith)) {
            return new RuntimeMisconfiguredException(message);
        }
        return new SandboxRuntimeException(message);
    }

    /** Asks the pod's first process to end (it takes the sandbox's processes with it) and waits until the pod has. */
    @Override
    public void stop(String sandboxId) {
        Optional<Pod> pod = find(sandboxId);
        if (pod.isEmpty() || sandbox(sandboxId, pod.get()).state() != RuntimeState.RUNNING) {
            return;
        }
        String name = pod.get().getMetadata().getName();
        try {
            exec.runOwn(name, List.of("/bin/sh", "-c", "kill -TERM 1"), null, OutputStream.nullOutputStream(),
                    OutputStream.nullOutputStream(), SHORT);
        } catch (RuntimeException e) {
            // The signal ends this exec too, or no process could start (a fork bomb holds every
            // pid): the wait below tells which, and a pod still running is deleted.
            LOG.debug("stopping sandbox {}: {}", sandboxId, e.getMessage());
        }
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            Optional<Pod> now = find(sandboxId);
            if (now.isEmpty() || sandbox(sandboxId, now.get()).state() != RuntimeState.RUNNING) {
                return;
            }
            sleep(Math.min(250, 10L * (attempt + 1)));
        }
        LOG.warn("sandbox {} did not stop within {} s; deleting its pod", sandboxId, STOP_WAIT.toSeconds());
        remove(sandboxId);
    }

    @Override
    public void remove(String sandboxId) {
        Optional<Pod> pod = find(sandboxId);
        renamed.remove(sandboxId);
        if (pod.isEmpty()) {
            return;
        }
        try {
            client.pods().inNamespace(config.namespace()).withName(pod.get().getMetadata().getName())
                    .withGracePeriod(0).delete();
        } catch (KubernetesClientException e) {
            if (!KubernetesErrors.isNotFound(e)) {
                throw KubernetesErrors.translate(e);
            }
        } catch (RuntimeException e) {
            throw KubernetesErrors.translate(e);
        }
    }

    /** Pod names are fixed, so a claim moves the sandbox id label to the new id. */
    @Override
    public RuntimeSandbox rename(String sandboxId, String newId) {
        Pod pod = find(sandboxId).orElseThrow(() -> new SandboxMissingException(sandboxId));
        if (find(newId).isPresent()) {
            throw new SandboxRuntimeException("a sandbox with id " + newId + " already exists");
        }
        String name = pod.getMetadata().getName();
        Pod updated = KubernetesErrors.call(() -> podResource(name).edit(p -> new PodBuilder(p)
                .editMetadata().addToLabels(SandboxPods.RUNTIME_ID, newId).endMetadata().build()));
        renamed.put(newId, name);
        renamed.remove(sandboxId);
        return sandbox(newId, updated);
    }

    @Override
    public Optional<RuntimeSandbox> inspect(String sandboxId) {
        return find(sandboxId).map(pod -> sandbox(sandboxId, pod));
    }

    @Override
    public List<RuntimeSandbox> list(Map<String, String> labels) {
        Map<String, String> selector = new HashMap<>(labels);
        selector.put(SandboxPods.MANAGED_BY, SandboxPods.MANAGER);
        List<Pod> found = KubernetesErrors.call(() -> client.pods().inNamespace(config.namespace())
                .withLabels(selector).list().getItems());
        return found.stream()
                .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
                .map(pod -> sandbox(idOf(pod), pod))
                .toList();
    }

    @Override
    public ExecResult exec(String sandboxId, ExecSpec spec, ExecOutput output) {
        return exec.run(runningPod(sandboxId), spec, output);
    }

    @Override
    public void writeArchive(String sandboxId, InputStream tar, boolean overwrite) {
        archives.write(runningPod(sandboxId), tar, overwrite);
    }

    @Override
    public InputStream readArchive(String sandboxId, String path) {
        return archives.read(runningPod(sandboxId), path);
    }

    /**
     * The pod's transmitted bytes from {@code /proc/net/dev} (read by an exec: the kernel's counters
     * of the pod's own network namespace). A pod the policies keep off the network sends nothing
     * that leaves it.
     */
    @Override
    public long networkEgressBytes(String sandboxId) {
        Pod pod = find(sandboxId).orElseThrow(() -> new SandboxMissingException(sandboxId));
        if (!SandboxPods.ALLOWED.equals(pod.getMetadata().getLabels().get(SandboxPods.EGRESS))
                || sandbox(sandboxId, pod).state() != RuntimeState.RUNNING) {
            return 0;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = exec.runOwn(pod.getMetadata().getName(), List.of("/bin/cat", "/proc/net/dev"), null, out,
                OutputStream.nullOutputStream(), SHORT);
        if (code != 0) {
            throw new SandboxRuntimeException("reading the network counters of sandbox " + sandboxId + " failed");
        }
        return transmitted(out.toString(StandardCharsets.UTF_8));
    }

    @Override
    public List<String> isolations() {
        return config.isolations();
    }

    /**
     * Read inside the pod by an exec, from the kernel's own counters: the container's cgroup (v1 or
     * v2) for CPU time and anonymous memory, {@code /proc/net/dev} for the network, and {@code du}
     * over the writable areas (a disk-backed emptyDir's {@code df} would show the node's disk).
     */
    @Override
    public ResourceUsage usage(String sandboxId) {
        String pod = runningPod(sandboxId);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = exec.runOwn(pod, List.of("/bin/sh", "-c", USAGE_SCRIPT, "usage",
                SandboxRuntime.WORKSPACE, "/tmp", config.homeDirectory()), null, out, OutputStream.nullOutputStream(), SHORT);
        if (code != 0) {
            throw new SandboxRuntimeException("reading the resource counters of sandbox " + sandboxId + " failed");
        }
        return usage(out.toString(StandardCharsets.UTF_8), config.workspaceBytes() + config.tmpBytes() + config.homeBytes());
    }

    private static final String USAGE_SCRIPT = "PATH=" + SandboxRuntime.SYSTEM_PATH + "\n" + """
            if [ -r /sys/fs/cgroup/cpu.stat ]; then
              while read -r k v; do [ "$k" = usage_usec ] && echo "cpu_ns $((v * 1000))"; done < /sys/fs/cgroup/cpu.stat
              while read -r k v; do [ "$k" = anon ] && echo "memory $v"; done < /sys/fs/cgroup/memory.stat
            else
              for f in /sys/fs/cgroup/cpuacct/cpuacct.usage /sys/fs/cgroup/cpu,cpuacct/cpuacct.usage; do
                [ -r "$f" ] && { read -r v < "$f"; echo "cpu_ns $v"; break; }
              done
              while read -r k v; do [ "$k" = total_rss ] && echo "memory $v"; done < /sys/fs/cgroup/memory/memory.stat
            fi
            echo "disk_kb $(du -skx "$@" 2>/dev/null | { t=0; while read -r n _; do t=$((t + n)); done; echo $t; })"
            cat /proc/net/dev
            """;

    /** Parses what {@link #USAGE_SCRIPT} printed: its own lines, then {@code /proc/net/dev}. */
    static ResourceUsage usage(String output, long diskLimitBytes) {
        long cpu = 0;
        long memory = 0;
        long diskKb = 0;
        long rx = 0;
        long tx = 0;
        for (String line : output.lines().toList()) {
            String[] words = line.strip().split("\\s+");
            if (words.length == 2 && isCount(words[1])) {
                long value = Long.parseLong(words[1]);
                switch (words[0]) {
                    case "cpu_ns" -> cpu = value;
                    case "memory" -> memory = value;
                    case "disk_kb" -> diskKb = value;
                    default -> { }
                }
            }
            int colon = line.indexOf(':');
            if (colon > 0 && !line.substring(0, colon).strip().equals("lo")) {
                String[] counters = line.substring(colon + 1).strip().split("\\s+");
                if (counters.length >= 9 && isCount(counters[0]) && isCount(counters[8])) {
                    rx += Long.parseLong(counters[0]);
                    tx += Long.parseLong(counters[8]);
                }
            }
        }
        return new ResourceUsage(cpu, memory, diskKb * 1024, diskLimitBytes, rx, tx);
    }

    /** A counter a long holds: digits, at most 18 of them. */
    private static boolean isCount(String text) {
        return !text.isEmpty() && text.length() <= 18 && text.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** Sums the transmitted bytes (the ninth counter) of every interface but loopback. */
    static long transmitted(String procNetDev) {
        long total = 0;
        for (String line : procNetDev.lines().toList()) {
            int colon = line.indexOf(':');
            if (colon < 0 || line.substring(0, colon).strip().equals("lo")) {
                continue;
            }
            String[] counters = line.substring(colon + 1).strip().split("\\s+");
            if (counters.length >= 9 && counters[8].chars().allMatch(Character::isDigit)) {
                total += Long.parseLong(counters[8]);
            }
        }
        return total;
    }

    @Override
    public void ping() {
        KubernetesErrors.call(() -> client.pods().inNamespace(config.namespace())
                .list(new ListOptionsBuilder().withLimit(1L).build()));
    }

    @Override
    public void close() {
        client.close();
    }

    private String runningPod(String sandboxId) {
        Pod pod = find(sandboxId).orElseThrow(() -> new SandboxMissingException(sandboxId));
        RuntimeSandbox seen = sandbox(sandboxId, pod);
        if (seen.state() != RuntimeState.RUNNING) {
            throw new SandboxNotRunningException(sandboxId, seen.detail(), null);
        }
        return pod.getMetadata().getName();
    }

    private PodResource podResource(String name) {
        return client.pods().inNamespace(config.namespace()).withName(name);
    }

    /** The live pod of a sandbox: by name first, by label when the sandbox was renamed. */
    private Optional<Pod> find(String sandboxId) {
        String name = renamed.getOrDefault(sandboxId, podNameOrNull(sandboxId));
        if (name != null) {
            Pod pod = KubernetesErrors.call(() -> podResource(name).get());
            if (pod != null && sandboxId.equals(idOf(pod))) {
                return live(pod);
            }
        }
        List<Pod> labelled = KubernetesErrors.call(() -> client.pods().inNamespace(config.namespace())
                .withLabel(SandboxPods.RUNTIME_ID, sandboxId).list().getItems());
        Optional<Pod> found = labelled.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).findFirst();
        found.ifPresent(pod -> {
            if (!pod.getMetadata().getName().equals(podNameOrNull(sandboxId))) {
                renamed.put(sandboxId, pod.getMetadata().getName());
            }
        });
        return found;
    }

    private static Optional<Pod> live(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() == null ? Optional.of(pod) : Optional.empty();
    }

    private static String podNameOrNull(String sandboxId) {
        try {
            return SandboxPods.podName(sandboxId);
        } catch (SandboxRuntimeException invalid) {
            return null;
        }
    }

    private static String idOf(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        String id = labels == null ? null : labels.get(SandboxPods.RUNTIME_ID);
        return id == null ? pod.getMetadata().getName() : id;
    }

    /** What a pod's status says of its sandbox, with the reason when it cannot run. */
    static RuntimeSandbox sandbox(String sandboxId, Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
        String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        String egress = labels.get(SandboxPods.EGRESS);
        String address = SandboxPods.ALLOWED.equals(egress) ? ip : null;
        if (pod.getStatus() == null || pod.getStatus().getPhase() == null) {
            return new RuntimeSandbox(sandboxId, RuntimeState.CREATED, labels, address, null);
        }
        ContainerStatus container = pod.getStatus().getContainerStatuses() == null ? null
                : pod.getStatus().getContainerStatuses().stream()
                        .filter(c -> PodExec.CONTAINER.equals(c.getName())).findFirst().orElse(null);
        ContainerStateTerminated terminated = container == null || container.getState() == null ? null
                : container.getState().getTerminated();
        ContainerStateWaiting waiting = container == null || container.getState() == null ? null
                : container.getState().getWaiting();
        return switch (pod.getStatus().getPhase()) {
            case "Pending" -> {
                if (waiting != null && START_FAILURES.contains(waiting.getReason())) {
                    yield new RuntimeSandbox(sandboxId, RuntimeState.OTHER, labels, address,
                            waiting.getReason() + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage()));
                }
                String unschedulable = unschedulable(pod);
                yield unschedulable != null
                        ? new RuntimeSandbox(sandboxId, RuntimeState.OTHER, labels, address, "unschedulable: " + unschedulable)
                        : new RuntimeSandbox(sandboxId, RuntimeState.CREATED, labels, address, null);
            }
            case "Running" -> {
                if (terminated != null) {
                    yield new RuntimeSandbox(sandboxId, RuntimeState.EXITED, labels, address, ended(terminated));
                }
                yield container != null && Boolean.TRUE.equals(container.getReady())
                        ? new RuntimeSandbox(sandboxId, RuntimeState.RUNNING, labels, address, null)
                        : new RuntimeSandbox(sandboxId, RuntimeState.CREATED, labels, address, null);
            }
            case "Succeeded", "Failed" -> new RuntimeSandbox(sandboxId, RuntimeState.EXITED, labels, address,
                    terminated != null ? ended(terminated) : evicted(pod));
            default -> new RuntimeSandbox(sandboxId, RuntimeState.OTHER, labels, address, "pod state unknown (node lost?)");
        };
    }

    private static String ended(ContainerStateTerminated terminated) {
        if ("OOMKilled".equals(terminated.getReason())) {
            return "killed: out of memory";
        }
        return "exited with code " + terminated.getExitCode();
    }

    /** Why the kubelet ended a pod whose container left no state (Evicted, DeadlineExceeded), or null. */
    private static String evicted(Pod pod) {
        String reason = pod.getStatus().getReason();
        if (reason == null) {
            return null;
        }
        String message = pod.getStatus().getMessage();
        return reason.toLowerCase(Locale.ROOT) + (message == null ? "" : ": " + message);
    }

    private static String unschedulable(Pod pod) {
        if (pod.getStatus().getConditions() == null) {
            return null;
        }
        for (PodCondition condition : pod.getStatus().getConditions()) {
            if ("PodScheduled".equals(condition.getType()) && "False".equals(condition.getStatus())
                    && "Unschedulable".equals(condition.getReason())) {
                return condition.getMessage() == null ? "no node can run it" : condition.getMessage();
            }
        }
        return null;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxRuntimeException("interrupted while waiting for a pod", e);
        }
    }
}
