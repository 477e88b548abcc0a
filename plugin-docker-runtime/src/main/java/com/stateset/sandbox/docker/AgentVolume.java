package com.stateset.sandbox.docker;

import static java.util.Objects.requireNonNull;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's binary in a volume of its own, mounted read-only into every sandbox at {@link
 * #DIRECTORY}: no host path is mounted, any image works (the binary is static), and nothing of the
 * sandbox's can change it. The volume is named for the binary's digest, so a new agent gets a new
 * volume while running sandboxes keep theirs. It is filled once, through a container that never
 * starts (the engine writes into its volumes), and read back before it is trusted: a server that
 * died while filling it leaves nothing half-written in use, and its helper is removed by the next.
 */
final class AgentVolume {

    private static final Logger LOG = LoggerFactory.getLogger(AgentVolume.class);
    /** Where the volume appears in a sandbox. */
    static final String DIRECTORY = "/.stateset";
    static final String BINARY = DIRECTORY + "/stateset-agent";
    static final String LABEL = "io.stateset.sandbox.agent";
    private static final String FILE = "stateset-agent";
    private static final java.time.Duration LEFTOVER_AGE = java.time.Duration.ofMinutes(5);

    private final DockerClient docker;
    private final byte[] binary;
    private final String name;
    private volatile boolean ready;

    private AgentVolume(DockerClient docker, byte[] binary) {
        this.docker = requireNonNull(docker, "docker is null");
        this.binary = binary;
        this.name = "stateset-agent-" + digest(binary).substring(0, 16);
    }

    /** The agent at {@code path}, or null (commands go through the engine's exec) when there is none. */
    static AgentVolume of(DockerClient docker, String path) {
        if (path == null || path.isBlank()) {
            LOG.info("no agent configured (runtime.config.agent): commands go through the engine's exec");
            return null;
        }
        Path file = Path.of(path).toAbsolutePath().normalize();
        try {
            return new AgentVolume(docker, Files.readAllBytes(file));
        } catch (IOException e) {
            LOG.warn("no agent binary at {} (runtime.config.agent): commands go through the engine's exec", file);
            return null;
        }
    }

    String name() {
        return name;
    }

    /** The read-only mount of the volume, once it holds the agent; filled through a container of {@code image}. */
    Mount mount(String image) {
        if (!ready) {
            fill(image);
        }
        return new Mount().withType(MountType.VOLUME).withSource(name).withTarget(DIRECTORY).withReadOnly(true);
    }

    private synchronized void fill(String image) {
        if (ready) {
            return;
        }
        removeLeftovers();
        try {
            docker.createVolumeCmd().withName(name).withLabels(Map.of(LABEL, "true")).exec();
        } catch (ConflictException exists) {
            // made by an earlier server or start: its contents are checked below
        }
        String helper = docker.createContainerCmd(image)
                .withName(name + "-fill-" + System.nanoTime())
                .withEntrypoint("/nonexistent")
                .withNetworkDisabled(true)
                .withLabels(Map.of(LABEL, String.valueOf(System.currentTimeMillis())))
                .withHostConfig(HostConfig.newHostConfig()
                        .withMounts(List.of(new Mount().withType(MountType.VOLUME).withSource(name).withTarget("/agent"))))
                .exec()
                .getId();
        try {
            if (!holdsTheAgent(helper)) {
                docker.copyArchiveToContainerCmd(helper).withRemotePath("/agent").withTarInputStream(tar()).exec();
                if (!holdsTheAgent(helper)) {
                    throw new IllegalStateException("the agent volume " + name + " does not hold the agent after filling it");
                }
                LOG.info("agent volume {} filled", name);
            }
            ready = true;
        } finally {
            try {
                // with any anonymous volume its image declares; the agent's volume is named, and stays
                docker.removeContainerCmd(helper).withForce(true).withRemoveVolumes(true).exec();
            } catch (NotFoundException gone) {
                // removed already
            }
        }
    }

    /**
     * Removes what earlier servers left: helpers of fills cut short (a fill takes well under a
     * minute) and the volumes of other agents' binaries that no sandbox mounts any more (the engine
     * refuses to remove one in use).
     */
    private void removeLeftovers() {
        long before = System.currentTimeMillis() - LEFTOVER_AGE.toMillis();
        for (Container helper : docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(LABEL)).exec()) {
            String created = helper.getLabels() == null ? null : helper.getLabels().get(LABEL);
            if (created != null && created.matches("[0-9]{1,19}") && Long.parseLong(created) < before) {
                try {
                    docker.removeContainerCmd(helper.getId()).withForce(true).withRemoveVolumes(true).exec();
                } catch (NotFoundException | ConflictException goneOrGoing) {
                    // another server's cleanup
                }
            }
        }
        List<InspectVolumeResponse> volumes = docker.listVolumesCmd().withFilter("label", List.of(LABEL)).exec().getVolumes();
        for (InspectVolumeResponse volume : volumes == null ? List.<InspectVolumeResponse>of() : volumes) {
            if (!volume.getName().equals(name)) {
                try {
                    docker.removeVolumeCmd(volume.getName()).exec();
                    LOG.info("removed the volume of an earlier agent, {}", volume.getName());
                } catch (NotFoundException | ConflictException goneOrInUse) {
                    // still mounted by sandboxes of that agent's time
                }
            }
        }
    }

    private boolean holdsTheAgent(String helper) {
        try (InputStream raw = docker.copyArchiveFromContainerCmd(helper, "/agent/" + FILE).exec();
             TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
            TarArchiveEntry entry = tar.getNextEntry();
            if (entry == null || !entry.isFile() || entry.getSize() != binary.length || (entry.getMode() & 0777) != 0755) {
                return false;
            }
            return MessageDigest.isEqual(tar.readAllBytes(), binary);
        } catch (NotFoundException missing) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private InputStream tar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(binary.length + 2048);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry entry = new TarArchiveEntry(FILE);
            entry.setSize(binary.length);
            entry.setMode(0100755);
            entry.setIds(0, 0);
            tar.putArchiveEntry(entry);
            tar.write(binary);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }

    private static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
