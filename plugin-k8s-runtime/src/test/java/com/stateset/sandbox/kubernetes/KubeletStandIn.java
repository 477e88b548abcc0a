package com.stateset.sandbox.kubernetes;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Driver;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.VolumeOptions;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for a Kubernetes node, since no real cluster runs on these machines: fabric8's
 * {@code kubernetes-server-mock} in CRUD mode plays the API server, and this class plays the kubelet
 * and the network plugin behind it, on the local Docker engine. A pod created through the API
 * becomes a container built from the pod spec as a kubelet would (image, command, user and group,
 * read-only root file system, dropped capabilities, no privilege escalation, CPU and memory limits,
 * {@code emptyDir} volumes with medium Memory as size-limited tmpfs, and a per-pod pids limit as a
 * kubelet's {@code podPidsLimit} sets); its status is reported back (Running and ready, or the
 * container's end with its exit code and OOMKilled). A pod whose image is missing waits with
 * {@code ErrImagePull}; one whose node selector no node matches is Unschedulable. The exec
 * subresource speaks the websocket channel protocol v4 (stdin, stdout, stderr, and the status on
 * channel 3) and runs the command with Docker's exec. NetworkPolicy is enforced the way a policy
 * plugin would be, coarsely: a pod gets a network only if some policy in its namespace allows it
 * egress; otherwise it has none at all.
 *
 * <p>What this cannot show: the API server's own admission (Pod Security, quotas and LimitRanges,
 * emulated with expectations where a test needs them), real scheduling, and a real network plugin.
 */
public final class KubeletStandIn implements AutoCloseable {

    private static final int POD_PIDS_LIMIT = 128;
    private static final String NODE_LABEL = "stateset.io/test-node";
    private static final String CONTAINER_LABEL = "io.stateset.sandbox.test-pod";
    private static final String NETWORK = "stateset-k8s-standin";
    private static final Pattern EXEC = Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/]+)/exec\\?(.*)$");
    private static final Pattern POD = Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/?]+)(\\?.*)?$");
    private static final Pattern PODS = Pattern.compile("^/api/v1/namespaces/([^/]+)/pods(\\?.*)?$");

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KubeletStandIn.class);
    /** The mock server logs every request through java.util.logging; held so the level sticks. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger(MockWebServer.class.getName());

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    private final KubernetesMockServer server;
    private final KubernetesClient api;
    private final DockerClient docker;
    /** Containers by namespace/pod name. */
    private final Map<String, String> containers = new ConcurrentHashMap<>();
    private final Map<String, String> reported = new ConcurrentHashMap<>();
    private final ScheduledExecutorService kubelet = Executors.newScheduledThreadPool(4);
    private final String instance = Long.toHexString(System.nanoTime());
    /** How long the node takes to read each stdin message: a slow link between API server and node. */
    private volatile Duration stdinDelay = Duration.ZERO;

    public KubeletStandIn() {
        this(0);
    }

    /** A node whose API server listens on {@code port} of the loopback address (0: any free port). */
    public KubeletStandIn(int port) {
        KubernetesMixedDispatcher crud = new KubernetesMixedDispatcher(expectations);
        server = new KubernetesMockServer(new Context(), new MockWebServer(), expectations, new NodeDispatcher(crud), false);
        server.init(java.net.InetAddress.getLoopbackAddress(), port);
        api = server.createClient();
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        docker = DockerClientImpl.getInstance(config, new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).maxConnections(50).build());
        kubelet.scheduleWithFixedDelay(this::syncStatuses, 100, 100, TimeUnit.MILLISECONDS);
    }

    /** The mock API server, for expectations that emulate admission. */
    public KubernetesMockServer server() {
        return server;
    }

    /** A client of the mock API server acting as an administrator (not the runtime). */
    public KubernetesClient api() {
        return api;
    }

    public String url() {
        return server.url("/").toString();
    }

    /**
     * Makes the node read each stdin message of an exec {@code delay} late, holding up the
     * connection meanwhile, as a slow or distant node does: the client's sends back up.
     */
    public void slowStdin(Duration delay) {
        stdinDelay = delay;
    }

    /** Kills a pod's container as the kernel's OOM killer would end pid 1. */
    public void killContainer(String namespace, String pod) {
        docker.killContainerCmd(containers.get(namespace + "/" + pod)).exec();
    }

    @Override
    public void close() {
        kubelet.shutdownNow();
        for (String container : containers.values()) {
            removeQuietly(container);
        }
        api.close();
        server.destroy();
        try {
            docker.close();
        } catch (IOException ignored) {
            // closing at the end of a test
        }
    }

    /** Serves exec itself; hands everything else to the CRUD API server and acts on pod changes. */
    private final class NodeDispatcher extends Dispatcher {
        private final Dispatcher crud;

        NodeDispatcher(Dispatcher crud) {
            this.crud = crud;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath();
            Matcher exec = EXEC.matcher(path);
            if (exec.matches()) {
                return exec(exec.group(1), exec.group(2), exec.group(3));
            }
            MockResponse response = crud.dispatch(request);
            try {
                observe(request, path, response);
            } catch (RuntimeException e) {
                LOG.warn("stand-in node failed on {} {}", request.getMethod(), path, e);
            }
            return response;
        }

        private void observe(RecordedRequest request, String path, MockResponse response) {
            boolean ok = response.code() >= 200 && response.code() < 300;
            if (ok && "POST".equals(request.getMethod()) && PODS.matcher(path).matches()) {
                Pod pod = api.getKubernetesSerialization().unmarshal(new String(response.getBody().getBytes(), UTF_8), Pod.class);
                String namespace = pod.getMetadata().getNamespace() != null ? pod.getMetadata().getNamespace()
                        : namespaceOf(path);
                kubelet.execute(() -> runLogged(namespace, pod.getMetadata().getName()));
            }
            Matcher one = POD.matcher(path);
            if (ok && "DELETE".equals(request.getMethod()) && one.matches()) {
                String container = containers.remove(one.group(1) + "/" + one.group(2));
                if (container != null) {
                    kubelet.execute(() -> removeQuietly(container));
                }
            }
        }

        @Override
        public void shutdown() {
            crud.shutdown();
        }
    }

    private static String namespaceOf(String path) {
        Matcher m = PODS.matcher(path);
        return m.matches() ? m.group(1) : "default";
    }

    private void runLogged(String namespace, String name) {
        try {
            run(namespace, name);
        } catch (RuntimeException e) {
            LOG.warn("stand-in node could not run pod {}/{}", namespace, name, e);
        }
    }

    /** Starts a pod's container, as a kubelet would, and reports the outcome in the pod's status. */
    private void run(String namespace, String name) {
        Pod pod = api.pods().inNamespace(namespace).withName(name).get();
        if (pod == null) {
            return;
        }
        Map<String, String> selector = pod.getSpec().getNodeSelector();
        if (selector != null && !selector.isEmpty() && !selector.equals(Map.of(NODE_LABEL, "true"))) {
            report(pod, new PodStatusBuilder().withPhase("Pending")
                    .addToConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("False")
                            .withReason("Unschedulable")
                            .withMessage("0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.").build())
                    .build());
            return;
        }
        Container spec = pod.getSpec().getContainers().get(0);
        try {
            docker.inspectImageCmd(spec.getImage()).exec();
        } catch (NotFoundException e) {
            report(pod, waiting(spec, "ErrImagePull", "rpc error: pull access denied for " + spec.getImage()
                    + ", repository does not exist or may require authorization"));
            return;
        }
        String container = docker.createContainerCmd(spec.getImage())
                .withName("k8s-standin-" + instance + "-" + namespace + "-" + name)
                .withLabels(Map.of(CONTAINER_LABEL, namespace + "/" + name))
                .withEntrypoint(spec.getCommand())
                .withCmd(spec.getArgs() == null ? List.of() : spec.getArgs())
                .withUser(user(pod, spec))
                .withWorkingDir(spec.getWorkingDir())
                .withHostName(pod.getSpec().getHostname())
                .withEnv(spec.getEnv().stream().map(e -> e.getName() + "=" + e.getValue()).toList())
                .withHostConfig(hostConfig(pod, spec))
                .exec()
                .getId();
        containers.put(namespace + "/" + name, container);
        docker.startContainerCmd(container).exec();
        syncStatuses();
    }

    private static String user(Pod pod, Container spec) {
        Long uid = spec.getSecurityContext() != null && spec.getSecurityContext().getRunAsUser() != null
                ? spec.getSecurityContext().getRunAsUser() : pod.getSpec().getSecurityContext().getRunAsUser();
        Long gid = spec.getSecurityContext() != null && spec.getSecurityContext().getRunAsGroup() != null
                ? spec.getSecurityContext().getRunAsGroup() : pod.getSpec().getSecurityContext().getRunAsGroup();
        return uid + ":" + gid;
    }

    private HostConfig hostConfig(Pod pod, Container spec) {
        var security = spec.getSecurityContext();
        Map<String, Quantity> limits = spec.getResources().getLimits();
        long memory = Quantity.getAmountInBytes(limits.get("memory")).longValue();
        long nanoCpus = Quantity.getAmountInBytes(limits.get("cpu")).multiply(java.math.BigDecimal.valueOf(1_000_000_000L)).longValue();
        List<Mount> tmpfs = new ArrayList<>();
        Map<String, String> mountPaths = new HashMap<>();
        spec.getVolumeMounts().forEach(m -> mountPaths.put(m.getName(), m.getMountPath()));
        for (Volume volume : pod.getSpec().getVolumes()) {
            if (volume.getEmptyDir() != null && "Memory".equals(volume.getEmptyDir().getMedium())) {
                long size = Quantity.getAmountInBytes(volume.getEmptyDir().getSizeLimit()).longValue();
                // An anonymous tmpfs volume: unlike --tmpfs, its mode is not copied from the image.
                tmpfs.add(new Mount().withType(MountType.VOLUME).withTarget(mountPaths.get(volume.getName()))
                        .withVolumeOptions(new VolumeOptions().withDriverConfig(new Driver().withName("local")
                                .withOptions(Map.of("type", "tmpfs", "device", "tmpfs",
                                        "o", "size=" + size + ",mode=0777,nosuid,nodev")))));
            }
        }
        return HostConfig.newHostConfig()
                .withReadonlyRootfs(Boolean.TRUE.equals(security.getReadOnlyRootFilesystem()))
                .withCapDrop(security.getCapabilities().getDrop().contains("ALL") ? new Capability[] {Capability.ALL} : new Capability[0])
                .withSecurityOpts(Boolean.FALSE.equals(security.getAllowPrivilegeEscalation()) ? List.of("no-new-privileges") : List.of())
                .withPrivileged(Boolean.TRUE.equals(security.getPrivileged()))
                .withPidsLimit((long) POD_PIDS_LIMIT)
                .withMemory(memory)
                .withMemorySwap(memory)
                .withNanoCPUs(nanoCpus)
                .withMounts(tmpfs)
                .withIpcMode("private")
                .withNetworkMode(egressAllowed(pod) ? network() : "none");
    }

    /** Whether a NetworkPolicy of the pod's namespace selects it and allows it egress. */
    private boolean egressAllowed(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        for (NetworkPolicy policy : api.network().v1().networkPolicies().inNamespace(pod.getMetadata().getNamespace()).list().getItems()) {
            Map<String, String> wanted = policy.getSpec().getPodSelector().getMatchLabels();
            boolean selects = wanted == null || labels.entrySet().containsAll(wanted.entrySet());
            if (selects && policy.getSpec().getPolicyTypes().contains("Egress")
                    && policy.getSpec().getEgress() != null && !policy.getSpec().getEgress().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private synchronized String network() {
        if (docker.listNetworksCmd().withNameFilter(NETWORK).exec().stream().noneMatch(n -> NETWORK.equals(n.getName()))) {
            docker.createNetworkCmd().withName(NETWORK).withDriver("bridge")
                    .withOptions(Map.of("com.docker.network.bridge.enable_icc", "false")).exec();
        }
        return NETWORK;
    }

    private static PodStatus waiting(Container spec, String reason, String message) {
        return new PodStatusBuilder().withPhase("Pending")
                .addToContainerStatuses(new ContainerStatusBuilder().withName(spec.getName()).withImage(spec.getImage())
                        .withReady(false).withNewState().withNewWaiting().withReason(reason).withMessage(message)
                        .endWaiting().endState().build())
                .build();
    }

    /** Reports each container's state in its pod's status when it changes, as the kubelet's status loop does. */
    private void syncStatuses() {
        for (Map.Entry<String, String> entry : containers.entrySet()) {
            String[] key = entry.getKey().split("/", 2);
            InspectContainerResponse inspect;
            try {
                inspect = docker.inspectContainerCmd(entry.getValue()).exec();
            } catch (NotFoundException gone) {
                continue;
            } catch (RuntimeException e) {
                continue;
            }
            var state = inspect.getState();
            String summary = state.getStatus() + "/" + state.getExitCodeLong() + "/" + state.getOOMKilled();
            if (summary.equals(reported.get(entry.getKey()))) {
                continue;
            }
            Pod pod = api.pods().inNamespace(key[0]).withName(key[1]).get();
            if (pod == null) {
                continue;
            }
            String name = pod.getSpec().getContainers().get(0).getName();
            PodStatus status;
            if (Boolean.TRUE.equals(state.getRunning())) {
                var networks = inspect.getNetworkSettings().getNetworks();
                String ip = networks == null ? null : networks.values().stream().map(n -> n.getIpAddress())
                        .filter(a -> a != null && !a.isEmpty()).findFirst().orElse(null);
                status = new PodStatusBuilder().withPhase("Running").withPodIP(ip)
                        .addToConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build())
                        .addToContainerStatuses(new ContainerStatusBuilder().withName(name).withReady(true).withStarted(true)
                                .withNewState().withNewRunning().withStartedAt(Instant.now().toString()).endRunning().endState().build())
                        .build();
            } else if ("exited".equals(state.getStatus()) || "dead".equals(state.getStatus())) {
                long code = state.getExitCodeLong() == null ? 137 : state.getExitCodeLong();
                String reason = Boolean.TRUE.equals(state.getOOMKilled()) ? "OOMKilled" : code == 0 ? "Completed" : "Error";
                status = new PodStatusBuilder().withPhase(code == 0 ? "Succeeded" : "Failed")
                        .addToContainerStatuses(new ContainerStatusBuilder().withName(name).withReady(false)
                                .withNewState().withNewTerminated().withExitCode((int) code).withReason(reason)
                                .endTerminated().endState().build())
                        .build();
            } else {
                continue;
            }
            report(pod, status);
            reported.put(entry.getKey(), summary);
        }
    }

    private void report(Pod pod, PodStatus status) {
        pod.setStatus(status);
        try {
            api.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
        } catch (RuntimeException e) {
            // deleted meanwhile
        }
    }

    private MockResponse exec(String namespace, String pod, String query) {
        String container = containers.get(namespace + "/" + pod);
        if (container == null) {
            return new MockResponse().setResponseCode(404).setBody(status(404, "NotFound", "pods \"" + pod + "\" not found"));
        }
        List<String> command = new ArrayList<>();
        boolean stdin = false;
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), UTF_8);
            if (key.equals("command")) {
                command.add(value);
            } else if (key.equals("stdin")) {
                stdin = Boolean.parseBoolean(value);
            }
        }
        return new MockResponse().withWebSocketUpgrade(new ExecSession(container, command, stdin));
    }

    private static String status(int code, String reason, String message) {
        return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\""
                + message.replace("\"", "\\\"") + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}";
    }

    /** One exec over the channel protocol: 0 stdin, 1 stdout, 2 stderr, 3 the final status. */
    private final class ExecSession extends WebSocketListener {
        private final String container;
        private final List<String> command;
        /** Stdin as it arrives, never blocking the server's event loop; an empty array ends it. */
        private final BlockingQueue<byte[]> stdin;

        ExecSession(String container, List<String> command, boolean withStdin) {
            this.container = container;
            this.command = command;
            this.stdin = withStdin ? new LinkedBlockingQueue<>() : null;
        }

        @Override
        public void onOpen(WebSocket socket, Response response) {
            Thread.ofVirtual().start(() -> run(socket));
        }

        private void run(WebSocket socket) {
            String message;
            try {
                String execId = docker.execCreateCmd(container)
                        .withCmd(command.toArray(String[]::new))
                        .withAttachStdin(stdin != null)
                        .withAttachStdout(true)
                        .withAttachStderr(true)
                        .exec()
                        .getId();
                var start = docker.execStartCmd(execId);
                if (stdin != null) {
                    start.withStdIn(new QueueInputStream(stdin));
                }
                start.exec(new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onNext(Frame frame) {
                        byte channel = switch (frame.getStreamType()) {
                            case STDERR -> 2;
                            default -> 1;
                        };
                        byte[] payload = frame.getPayload();
                        byte[] message = new byte[payload.length + 1];
                        message[0] = channel;
                        System.arraycopy(payload, 0, message, 1, payload.length);
                        socket.send(message);
                    }
                }).awaitCompletion();
                Long code = null;
                for (int attempt = 0; attempt < 100 && code == null; attempt++) {
                    var inspect = docker.inspectExecCmd(execId).exec();
                    if (!Boolean.TRUE.equals(inspect.isRunning())) {
                        code = inspect.getExitCodeLong();
                    } else {
                        Thread.sleep(10);
                    }
                }
                message = code != null && code == 0
                        ? "{\"metadata\":{},\"status\":\"Success\"}"
                        : "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit code\","
                                + "\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\""
                                + (code == null ? -1 : code) + "\"}]}}";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                message = "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"interrupted\"}";
            } catch (RuntimeException e) {
                // What a kubelet answers when the runtime cannot start the process.
                message = "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"error executing command: "
                        + String.valueOf(e.getMessage()).replace("\"", "'").replace("\n", " ") + "\"}";
            }
            byte[] status = message.getBytes(UTF_8);
            byte[] framed = new byte[status.length + 1];
            framed[0] = 3;
            System.arraycopy(status, 0, framed, 1, status.length);
            socket.send(framed);
            closeStdin();
            socket.close(1000, "");
        }

        @Override
        public void onMessage(WebSocket socket, byte[] bytes) {
            if (stdin != null && bytes.length > 1 && bytes[0] == 0) {
                if (!stdinDelay.isZero()) {
                    try {
                        Thread.sleep(stdinDelay);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                stdin.add(java.util.Arrays.copyOfRange(bytes, 1, bytes.length));
            }
        }

        @Override
        public void onMessage(WebSocket socket, io.fabric8.mockwebserver.http.ByteString bytes) {
            onMessage(socket, bytes.toByteArray());
        }

        @Override
        public void onClosed(WebSocket socket, int code, String reason) {
            closeStdin();
        }

        private void closeStdin() {
            if (stdin != null) {
                stdin.add(new byte[0]);
            }
        }
    }

    /** Reads the queued stdin chunks until the empty one. */
    private static final class QueueInputStream extends InputStream {
        private final BlockingQueue<byte[]> chunks;
        private byte[] current = new byte[0];
        private int position;
        private boolean ended;

        QueueInputStream(BlockingQueue<byte[]> chunks) {
            this.chunks = chunks;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            while (!ended && position == current.length) {
                try {
                    current = chunks.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException();
                }
                position = 0;
                ended = current.length == 0;
            }
            if (ended) {
                return -1;
            }
            int n = Math.min(length, current.length - position);
            System.arraycopy(current, position, buffer, offset, n);
            position += n;
            return n;
        }
    }

    private void removeQuietly(String container) {
        try {
            docker.removeContainerCmd(container).withForce(true).withRemoveVolumes(true).exec();
        } catch (RuntimeException ignored) {
            // gone already
        }
    }
}
