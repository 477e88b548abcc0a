package com.stateset.sandbox.docker;

import static java.util.Objects.requireNonNull;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Driver;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.MemoryStatsConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.StatisticNetworksConfig;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.api.model.StatsConfig;
import com.github.dockerjava.api.model.Ulimit;
import com.github.dockerjava.api.model.VolumeOptions;
import com.github.dockerjava.core.InvocationBuilder;
import com.stateset.sandbox.spi.runtime.ExecOutput;
import com.stateset.sandbox.spi.runtime.ExecResult;
import com.stateset.sandbox.spi.runtime.ExecSpec;
import com.stateset.sandbox.spi.runtime.Isolations;
import com.stateset.sandbox.spi.runtime.ResourceUsage;
import com.stateset.sandbox.spi.runtime.RuntimeSandbox;
import com.stateset.sandbox.spi.runtime.RuntimeMisconfiguredException;
import com.stateset.sandbox.spi.runtime.RuntimeState;
import com.stateset.sandbox.spi.runtime.RuntimeUnavailableException;
import com.stateset.sandbox.spi.runtime.SandboxLabels;
import com.stateset.sandbox.spi.runtime.SandboxMissingException;
import com.stateset.sandbox.spi.runtime.SandboxNotRunningException;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;
import com.stateset.sandbox.spi.runtime.SandboxSpec;
import com.stateset.sandbox.spi.runtime.Terminal;
import com.stateset.sandbox.spi.runtime.FileEvent;
import com.stateset.sandbox.spi.runtime.FileWatch;
import com.stateset.sandbox.spi.runtime.TerminalSpec;
import com.stateset.sandbox.spi.runtime.process.SandboxProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sandboxes as Docker containers, hardened by default: commands as the configured non-root user
 * with every capability dropped, no-new-privileges, a read-only root file system, pids, memory
 * (swap off) and CPU limits, an init process, no network unless asked (and then a bridge on which
 * sandboxes cannot reach each other), no host paths, and optionally gVisor. Each sandbox ends at
 * its longest lifetime by itself, server or not (see {@link Supervisor}).
 *
 * <p>The writable areas ({@value #WORKSPACE}, {@code /tmp}, the home directory) are anonymous
 * volumes of the {@code local} driver backed by size-capped tmpfs: writing past the cap fails with
 * ENOSPC inside the sandbox and never touches the host's disk. Their pages are charged to the
 * sandbox's memory cgroup, so the cgroup limit is the requested memory plus the three caps: a full
 * disk gives ENOSPC, never an out-of-memory kill, and processes always have the memory asked for.
 * Volumes (unlike {@code --tmpfs} mounts) are visible to the archive API, which file transfer uses.
 */
final class DockerRuntime implements SandboxRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(DockerRuntime.class);
    private static final java.time.Duration PULL_TIMEOUT = java.time.Duration.ofMinutes(3);
    private static final java.time.Duration STATS_TIMEOUT = java.time.Duration.ofSeconds(5);
    /**
     * Host tasks gVisor's kernel may run for one sandbox. Idle it runs about a hundred; a fork bomb
     * held at the sandbox's own pids limit drove it to 3,600 while it ran and 5,300 once killed
     * (measured, ptrace platform: its threads stay until the sandbox ends), and past 8,192 when the
     * bomb came back. Reaching this limit kills the kernel and with it the sandbox; Go stops the
     * kernel at 10,000 threads of its own anyway, so the limit is set above that.
     */
    private static final long GVISOR_THREADS = 16_384;

    private final DockerRuntimeConfig config;
    private final DockerClient docker;
    private final DockerClient agentDocker;
    private final AgentVolume agent;
    private final DockerAgents agents;
    private final DockerExec exec;
    private final SandboxArchives archives;
    private volatile boolean networkReady;
    private volatile List<String> isolations;

    /** @param agentDocker the client for the agents' channels, which hold a connection each (see {@link DockerClients}) */
    DockerRuntime(DockerRuntimeConfig config, DockerClient docker, DockerClient agentDocker) {
        this.config = requireNonNull(config, "config is null");
        this.docker = requireNonNull(docker, "docker is null");
        this.agentDocker = agentDocker;
        String user = config.uid() + ":" + config.gid();
        this.agent = AgentVolume.of(docker, config.agent());
        this.agents = agent == null ? null : new DockerAgents(requireNonNull(agentDocker, "agentDocker is null"), user,
                Duration.ofSeconds(config.agentIdleSeconds()));
        this.exec = new DockerExec(docker, user, agents);
        this.archives = new SandboxArchives(docker, exec, config.uid(), config.gid());
    }

    @Override
    public List<String> writableDirectories() {
        return List.of(WORKSPACE, "/tmp", config.homeDirectory());
    }

    /**
     * Those the configuration allows that the engine can give (gVisor where it has the runtime),
     * the default first; asked of the engine once it answers.
     */
    @Override
    public List<String> isolations() {
        List<String> known = isolations;
        if (known == null) {
            Map<String, ?> runtimes;
            try {
                runtimes = docker.infoCmd().exec().getRuntimes();
            } catch (RuntimeException e) {
                throw DockerErrors.translate(e);
            }
            boolean gvisor = runtimes != null && runtimes.containsKey(config.gvisorRuntime());
            List<String> offered = new ArrayList<>(config.isolations().stream()
                    .filter(isolation -> gvisor || !isolation.equals(Isolations.GVISOR)).toList());
            String preferred = config.defaultIsolation();
            if (!offered.contains(preferred)) {
                throw new RuntimeMisconfiguredException("runtime.config.defaultIsolation is " + preferred + ", but it is not"
                        + " among runtime.config.isolations " + config.isolations() + " that the Docker engine can give"
                        + (gvisor ? "" : " (it has no OCI runtime named " + config.gvisorRuntime() + ")"));
            }
            offered.remove(preferred);
            offered.add(0, preferred);
            known = List.copyOf(offered);
            isolations = known;
        }
        return known;
    }

    @Override
    public void create(SandboxSpec spec) {
        if (spec.network()) {
            ensureNetwork();
        }
        List<String> env = new ArrayList<>();
        env.add("HOME=" + config.homeDirectory());
        spec.env().forEach((k, v) -> env.add(k + "=" + v));
        try {
            createContainer(spec, env);
        } catch (NotFoundException e) {
            if (!config.pullMissingImages()) {
                throw new RuntimeMisconfiguredException("image " + spec.image() + " is not present on the Docker engine;"
                        + " the server's operator must build it (scripts/build-images) or set runtime.config.pullMissingImages: true");
            }
            pull(spec.image());
            try {
                createContainer(spec, env);
            } catch (RuntimeException retry) {
                throw DockerErrors.translate(retry);
            }
        } catch (ConflictException e) {
            throw new SandboxRuntimeException("a container named " + spec.sandboxId() + " already exists", e);
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    private void createContainer(SandboxSpec spec, List<String> env) {
        docker.createContainerCmd(spec.image())
                .withName(spec.sandboxId())
                .withHostName("sandbox")
                // The sandbox idles under its supervisor until commands arrive (they run as the
                // sandbox user), and ends at its deadline; the image's own entrypoint never runs.
                .withEntrypoint(supervisor(spec))
                .withUser("0:0")
                .withWorkingDir(WORKSPACE)
                .withEnv(env)
                .withLabels(spec.labels())
                .withHostConfig(hostConfig(spec))
                .exec();
    }

    private static String[] supervisor(SandboxSpec spec) {
        List<String> entrypoint = new ArrayList<>(List.of("/bin/sh", "-c", Supervisor.SCRIPT, "supervisor"));
        entrypoint.addAll(Supervisor.arguments(java.time.Instant.now(), spec.maxLifetime()));
        return entrypoint.toArray(String[]::new);
    }

    private HostConfig hostConfig(SandboxSpec spec) {
        boolean gvisor = Isolations.GVISOR.equals(spec.isolation());
        long disk = config.workspaceBytes() + config.tmpBytes() + config.homeBytes();
        long memory = spec.memoryBytes() + disk;
        return HostConfig.newHostConfig()
                .withInit(true)
                .withReadonlyRootfs(true)
                .withCapDrop(Capability.ALL)
                // For the supervisor (root) to kill the sandbox user's processes; that user's
                // commands run with no capability at all.
                .withCapAdd(Capability.KILL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withPidsLimit(gvisor ? config.pidsLimit() + GVISOR_THREADS : config.pidsLimit())
                // gVisor counts the sandbox's processes itself, per sandbox: the host's pids limit
                // above only bounds its own threads. (Under runc RLIMIT_NPROC would count every
                // container of the same uid on the host, so the pids cgroup does the job there.)
                .withUlimits(gvisor ? List.of(new Ulimit("nproc", (long) config.pidsLimit(), (long) config.pidsLimit())) : List.of())
                .withMemory(memory)
                .withMemorySwap(memory)
                .withNanoCPUs(spec.cpuMillis() * 1_000_000L)
                .withNetworkMode(spec.network() ? config.network() : "none")
                .withIpcMode("private")
                .withMounts(mounts(spec))
                .withLogConfig(new LogConfig(LogConfig.LoggingType.NONE))
                .withRestartPolicy(RestartPolicy.noRestart())
                .withRuntime(config.ociRuntime(spec.isolation()));
    }

    private List<Mount> mounts(SandboxSpec spec) {
        List<Mount> mounts = new ArrayList<>(List.of(
                tmpfsVolume(WORKSPACE, config.workspaceBytes(), config.uid(), config.gid(), "0755", spec),
                tmpfsVolume("/tmp", config.tmpBytes(), 0, 0, "1777", spec),
                tmpfsVolume(config.homeDirectory(), config.homeBytes(), config.uid(), config.gid(), "0700", spec)));
        if (agent != null) {
            try {
                mounts.add(agent.mount(spec.image()));
            } catch (RuntimeException e) {
                if (DockerErrors.translate(e) instanceof RuntimeUnavailableException down) {
                    throw down;
                }
                // The sandbox works without it: its commands go through the engine's exec.
                LOG.warn("sandbox {} gets no agent: its volume {} could not be filled: {}", spec.sandboxId(), agent.name(), e.toString());
            }
        }
        return mounts;
    }

    private static Mount tmpfsVolume(String target, long bytes, int uid, int gid, String mode, SandboxSpec spec) {
        String options = "size=" + bytes + ",uid=" + uid + ",gid=" + gid + ",mode=" + mode + ",nosuid,nodev";
        return new Mount()
                .withType(MountType.VOLUME)
                .withTarget(target)
                .withVolumeOptions(new VolumeOptions()
                        .withLabels(spec.labels())
                        .withDriverConfig(new Driver()
                                .withName("local")
                                .withOptions(Map.of("type", "tmpfs", "device", "tmpfs", "o", options))));
    }

    @Override
    public RuntimeSandbox start(String sandboxId) {
        DockerErrors.onSandbox(sandboxId, () -> {
            try {
                docker.startContainerCmd(sandboxId).exec();
            } catch (NotModifiedException alreadyRunning) {
                // starting twice is harmless
            }
            return null;
        });
        if (agents != null) {
            agents.open(sandboxId);
        }
        // No command of the sandbox's owner has run yet, so nothing can race the inbox's creation.
        archives.createInbox(sandboxId);
        return inspect(sandboxId).orElseThrow(() -> new SandboxRuntimeException(
                "sandbox " + sandboxId + " vanished while starting"));
    }

    @Override
    public void stop(String sandboxId) {
        forgetAgent(sandboxId);
        try {
            docker.stopContainerCmd(sandboxId).withTimeout(1).exec();
        } catch (NotModifiedException | NotFoundException alreadyStoppedOrGone) {
            // idempotent
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    @Override
    public void remove(String sandboxId) {
        forgetAgent(sandboxId);
        try {
            docker.removeContainerCmd(sandboxId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException gone) {
            // idempotent
        } catch (ConflictException inProgress) {
            LOG.debug("removal of {} already in progress", sandboxId);
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
        for (InspectVolumeResponse volume : volumes(Map.of(SandboxLabels.SANDBOX_ID, sandboxId))) {
            removeVolume(volume.getName());
        }
    }

    private void forgetAgent(String sandboxId) {
        if (agents != null) {
            agents.forget(sandboxId);
        }
    }

    private void removeVolume(String name) {
        try {
            docker.removeVolumeCmd(name).exec();
        } catch (NotFoundException gone) {
            // idempotent
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    /** The container's name is the sandbox id (see {@link #list}), so a rename is all a claim needs. */
    @Override
    public RuntimeSandbox rename(String sandboxId, String newId) {
        DockerErrors.onSandbox(sandboxId, () -> {
            try {
                return docker.renameContainerCmd(sandboxId).withName(newId).exec();
            } catch (ConflictException e) {
                throw new SandboxRuntimeException("a container named " + newId + " already exists", e);
            }
        });
        if (agents != null) {
            agents.renamed(sandboxId, newId);
        }
        return inspect(newId).orElseThrow(() -> new SandboxMissingException(newId));
    }

    @Override
    public Optional<RuntimeSandbox> inspect(String sandboxId) {
        InspectContainerResponse container;
        try {
            container = docker.inspectContainerCmd(sandboxId).exec();
        } catch (NotFoundException gone) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
        InspectContainerResponse.ContainerState state = container.getState();
        RuntimeState runtimeState = state(state.getStatus());
        String detail = null;
        if (Boolean.TRUE.equals(state.getOOMKilled())) {
            detail = "killed: out of memory";
        } else if (runtimeState == RuntimeState.EXITED) {
            detail = "exited with code " + state.getExitCodeLong();
        }
        Map<String, String> labels = container.getConfig().getLabels();
        return Optional.of(new RuntimeSandbox(
                sandboxId,
                runtimeState,
                labels == null ? Map.of() : labels,
                ipAddress(container.getNetworkSettings() == null ? null : container.getNetworkSettings().getNetworks()),
                detail));
    }

    @Override
    public List<RuntimeSandbox> list(Map<String, String> labels) {
        try {
            Map<String, RuntimeSandbox> found = new LinkedHashMap<>();
            List<Container> containers = docker.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec();
            for (Container c : containers) {
                if ("removing".equals(c.getState())) {
                    continue; // as good as gone: removed by someone, its volumes go with it
                }
                Map<String, String> containerLabels = c.getLabels() == null ? Map.of() : c.getLabels();
                String id = containerLabels.getOrDefault(SandboxLabels.SANDBOX_ID, name(c));
                found.put(id, new RuntimeSandbox(
                        id,
                        state(c.getState()),
                        containerLabels,
                        ipAddress(c.getNetworkSettings() == null ? null : c.getNetworkSettings().getNetworks()),
                        c.getStatus()));
            }
            // Volumes left without their container (a removal cut short) are reported too, so that
            // reconciliation removes them.
            for (InspectVolumeResponse volume : volumes(labels)) {
                Map<String, String> volumeLabels = volume.getLabels() == null ? Map.of() : volume.getLabels();
                String id = volumeLabels.get(SandboxLabels.SANDBOX_ID);
                if (id != null && !found.containsKey(id)) {
                    found.put(id, new RuntimeSandbox(id, RuntimeState.OTHER, volumeLabels, null, "its container vanished, leaving volumes"));
                }
            }
            return List.copyOf(found.values());
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    private List<InspectVolumeResponse> volumes(Map<String, String> labels) {
        try {
            List<String> filter = labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
            List<InspectVolumeResponse> volumes = docker.listVolumesCmd().withFilter("label", filter).exec().getVolumes();
            return volumes == null ? List.of() : volumes;
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    @Override
    public long networkEgressBytes(String sandboxId) {
        Statistics stats = stats(sandboxId);
        // A stopped container, or one without network, reports no interfaces.
        Map<String, StatisticNetworksConfig> networks = stats == null ? null : stats.getNetworks();
        return networks == null ? 0 : networks.values().stream()
                .mapToLong(n -> n.getTxBytes() == null ? 0 : n.getTxBytes())
                .sum();
    }

    /**
     * From the engine's stats. Under runc the writable areas' tmpfs pages are the memory cgroup's
     * page cache that is not file-backed, and processes' memory is its anonymous memory; under
     * gVisor both live in the sentry's one memory file, so only their sum is known.
     */
    @Override
    public ResourceUsage usage(String sandboxId) {
        Statistics stats = stats(sandboxId);
        if (stats == null) {
            throw new SandboxNotRunningException(sandboxId, "the engine gave no counters", null);
        }
        boolean gvisor = inspectIsolation(sandboxId).equals(Isolations.GVISOR);
        long cpu = stats.getCpuStats() == null || stats.getCpuStats().getCpuUsage() == null ? 0
                : orZero(stats.getCpuStats().getCpuUsage().getTotalUsage());
        MemoryStatsConfig memory = stats.getMemoryStats();
        StatsConfig detail = memory == null ? null : memory.getStats();
        long used = memory == null ? 0 : orZero(memory.getUsage());
        long processes;
        Long disk;
        if (detail == null) {
            processes = used;
            disk = null;
        } else if (gvisor) {
            processes = Math.max(0, used - orZero(detail.getTotalInactiveFile()));
            disk = null;
        } else {
            processes = orZero(detail.getTotalRss());
            disk = Math.max(0, orZero(detail.getTotalCache()) - orZero(detail.getTotalActiveFile())
                    - orZero(detail.getTotalInactiveFile()));
        }
        Map<String, StatisticNetworksConfig> networks = stats.getNetworks();
        long rx = networks == null ? 0 : networks.values().stream().mapToLong(n -> orZero(n.getRxBytes())).sum();
        long tx = networks == null ? 0 : networks.values().stream().mapToLong(n -> orZero(n.getTxBytes())).sum();
        return new ResourceUsage(cpu, processes, disk, config.workspaceBytes() + config.tmpBytes() + config.homeBytes(),
                rx, tx);
    }

    private String inspectIsolation(String sandboxId) {
        InspectContainerResponse container = DockerErrors.onSandbox(sandboxId, () -> docker.inspectContainerCmd(sandboxId).exec());
        String runtime = container.getHostConfig() == null ? null : container.getHostConfig().getRuntime();
        return config.gvisorRuntime().equals(runtime) ? Isolations.GVISOR : Isolations.CONTAINER;
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    private Statistics stats(String sandboxId) {
        return DockerErrors.onSandbox(sandboxId, () -> {
            try (var reading = docker.statsCmd(sandboxId).withNoStream(true).exec(new InvocationBuilder.AsyncResultCallback<Statistics>())) {
                // One reading takes the engine up to a stats interval (about a second); never wait without end.
                if (!reading.awaitCompletion(STATS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new SandboxRuntimeException("the engine gave no counters within " + STATS_TIMEOUT.toSeconds() + " s");
                }
                return reading.awaitResult();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SandboxRuntimeException("interrupted while reading counters", e);
            }
        });
    }

    @Override
    public ExecResult exec(String sandboxId, ExecSpec spec, ExecOutput output) {
        return exec.run(sandboxId, spec, output);
    }

    @Override
    public Terminal openTerminal(String sandboxId, TerminalSpec spec, ExecOutput output) {
        return exec.openTerminal(sandboxId, spec, output);
    }

    @Override
    public SandboxProcesses processes(String sandboxId) {
        return exec.processes(sandboxId);
    }

    @Override
    public FileWatch watch(String sandboxId, String directory, boolean recursive, Consumer<FileEvent> changes) {
        return exec.watch(sandboxId, directory, recursive, changes);
    }

    @Override
    public void writeArchive(String sandboxId, InputStream tar, boolean overwrite) {
        archives.write(sandboxId, tar, overwrite);
    }

    @Override
    public InputStream readArchive(String sandboxId, String path) {
        return archives.read(sandboxId, path);
    }

    @Override
    public void ping() {
        try {
            docker.pingCmd().exec();
        } catch (RuntimeException e) {
            RuntimeException translated = DockerErrors.translate(e);
            throw translated instanceof SandboxRuntimeException ? translated
                    : new SandboxRuntimeException("Docker engine ping failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (agents != null) {
            agents.close();
        }
        try {
            agentDocker.close();
            docker.close();
        } catch (IOException e) {
            LOG.warn("closing the Docker client failed", e);
        }
    }

    private void ensureNetwork() {
        if (networkReady) {
            return;
        }
        try {
            docker.inspectNetworkCmd().withNetworkId(config.network()).exec();
        } catch (NotFoundException missing) {
            try {
                docker.createNetworkCmd()
                        .withName(config.network())
                        .withDriver("bridge")
                        .withOptions(Map.of("com.docker.network.bridge.enable_icc", "false"))
                        .withLabels(Map.of("io.stateset.sandbox.network", "true"))
                        .exec();
            } catch (ConflictException createdMeanwhile) {
                // another create got there first
            }
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
        networkReady = true;
    }

    private void pull(String image) {
        try {
            // Well inside the server's create timeout, so a slow pull fails here, not as a lost create.
            if (!docker.pullImageCmd(image).start().awaitCompletion(PULL_TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
                throw new SandboxRuntimeException("pulling " + image + " took longer than " + PULL_TIMEOUT.toMinutes() + " minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxRuntimeException("interrupted while pulling " + image, e);
        } catch (NotFoundException e) {
            throw new RuntimeMisconfiguredException("image " + image + " could not be pulled: not found", e);
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    private static RuntimeState state(String status) {
        if (status == null) {
            return RuntimeState.OTHER;
        }
        return switch (status) {
            case "created" -> RuntimeState.CREATED;
            case "running" -> RuntimeState.RUNNING;
            case "exited", "dead" -> RuntimeState.EXITED;
            default -> RuntimeState.OTHER;
        };
    }

    private static String name(Container c) {
        String[] names = c.getNames();
        return names == null || names.length == 0 ? c.getId() : names[0].replaceFirst("^/", "");
    }

    private static String ipAddress(Map<String, ContainerNetwork> networks) {
        if (networks == null) {
            return null;
        }
        Set<String> addresses = networks.values().stream()
                .map(ContainerNetwork::getIpAddress)
                .filter(ip -> ip != null && !ip.isEmpty())
                .collect(Collectors.toSet());
        return addresses.isEmpty() ? null : addresses.iterator().next();
    }
}
