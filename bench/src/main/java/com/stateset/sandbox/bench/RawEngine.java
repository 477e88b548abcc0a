package com.stateset.sandbox.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The Docker engine driven directly through docker-java, with the server's own hardening: every
 * container copies the configuration (image, entrypoint, user, host config with its limits,
 * dropped capabilities, read-only root and size-capped volumes) of a sandbox the server made.
 */
final class RawEngine implements AutoCloseable {

    private static final String LABEL = "io.stateset.sandbox.bench";

    private final DockerClient docker;
    private final ContainerConfig config;
    private final HostConfig hostConfig;
    private final List<String> created = new ArrayList<>();
    private int next;

    RawEngine(DockerClient docker, String serverSandboxId) {
        this.docker = docker;
        InspectContainerResponse model = docker.inspectContainerCmd(serverSandboxId).exec();
        this.config = model.getConfig();
        this.hostConfig = model.getHostConfig();
    }

    /** Create and start: the raw counterpart of a create returning {@code running}. */
    String createAndStart() {
        String name = "bench_raw_" + ProcessHandle.current().pid() + "_" + next++;
        CreateContainerCmd create = docker.createContainerCmd(config.getImage())
                .withName(name)
                .withHostName(config.getHostName())
                .withEntrypoint(config.getEntrypoint())
                .withUser(config.getUser())
                .withWorkingDir(config.getWorkingDir())
                .withEnv(config.getEnv())
                .withLabels(Map.of(LABEL, "raw"))
                .withHostConfig(hostConfig);
        if (config.getCmd() != null) {
            create.withCmd(config.getCmd());
        }
        create.exec();
        created.add(name);
        docker.startContainerCmd(name).exec();
        return name;
    }

    /** Create, start and wait for an exec with output attached: the usual three calls. */
    String exec(String container, String... command) throws InterruptedException {
        String execId = docker.execCreateCmd(container).withCmd(command).withUser(config.getUser())
                .withAttachStdout(true).withAttachStderr(true).exec().getId();
        StringBuilder output = new StringBuilder();
        docker.execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
                output.append(new String(frame.getPayload()));
            }
        }).awaitCompletion();
        Long exit = docker.inspectExecCmd(execId).exec().getExitCodeLong();
        if (exit == null || exit != 0) {
            throw new IllegalStateException("raw exec exited with " + exit);
        }
        return output.toString();
    }

    /**
     * For each line a command prints (each its own epoch nanoseconds, as {@code date +%s%N} gives),
     * nanoseconds from its timestamp to its arrival here: the host and the sandbox share the clock.
     */
    void outputLatencies(String container, String command, Samples into) throws InterruptedException {
        String execId = docker.execCreateCmd(container).withCmd("/bin/sh", "-c", command).withUser(config.getUser())
                .withAttachStdout(true).withAttachStderr(true).exec().getId();
        docker.execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
                long arrived = Timer.epochNanos();
                for (String line : new String(frame.getPayload()).split("\n")) {
                    if (!line.isBlank()) {
                        into.addNanos(arrived - Long.parseLong(line.strip()));
                    }
                }
            }
        }).awaitCompletion();
    }

    /** Nanoseconds from creating an exec to its first output frame; the rest is awaited. */
    long streamFirstOutputNanos(String container, String... command) throws InterruptedException {
        long start = System.nanoTime();
        AtomicLong first = new AtomicLong(-1);
        String execId = docker.execCreateCmd(container).withCmd(command).withUser(config.getUser())
                .withAttachStdout(true).withAttachStderr(true).exec().getId();
        docker.execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
                first.compareAndSet(-1, System.nanoTime() - start);
            }
        }).awaitCompletion();
        return first.get();
    }

    void putFile(String container, String directory, String name, byte[] content) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream(content.length + 4096);
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(content.length);
            entry.setMode(0644);
            out.putArchiveEntry(entry);
            out.write(content);
            out.closeArchiveEntry();
        }
        docker.copyArchiveToContainerCmd(container).withRemotePath(directory)
                .withTarInputStream(new ByteArrayInputStream(tar.toByteArray())).exec();
    }

    /** The file's tar as the engine streams it. */
    byte[] getFile(String container, String path) throws IOException {
        try (InputStream tar = docker.copyArchiveFromContainerCmd(container, path).exec()) {
            return tar.readAllBytes();
        }
    }

    void remove(String container) {
        docker.removeContainerCmd(container).withForce(true).withRemoveVolumes(true).exec();
        created.remove(container);
    }

    @Override
    public void close() {
        for (String container : List.copyOf(created)) {
            remove(container);
        }
    }
}
