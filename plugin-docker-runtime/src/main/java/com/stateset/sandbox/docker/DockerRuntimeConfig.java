package com.stateset.sandbox.docker;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.stateset.sandbox.spi.Quantities;
import com.stateset.sandbox.spi.runtime.Isolations;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;

/** The {@code runtime.config} section when {@code runtime.type} is {@code docker}. */
public class DockerRuntimeConfig {

    /** Engine address; null means {@code DOCKER_HOST}, else the local socket. */
    @JsonProperty
    private String host;

    /**
     * OCI runtime for sandboxes of {@code container} isolation; null means the engine's default.
     * Set to the gVisor runtime ({@link #gvisorRuntime}), it puts every sandbox under gVisor, as it
     * always has: then only {@code gvisor} is offered, unless {@link #isolations} says otherwise.
     */
    @JsonProperty
    @Pattern(regexp = "^[A-Za-z0-9._-]+$")
    private String ociRuntime;

    /** The engine's name for gVisor; sandboxes may ask for {@code gvisor} isolation when the engine has it. */
    @JsonProperty
    @NotBlank
    @Pattern(regexp = "^[A-Za-z0-9._-]+$")
    private String gvisorRuntime = "runsc";

    /**
     * The isolations sandboxes may ask for (gvisor only where the engine has {@link #gvisorRuntime});
     * null means container and gvisor, or gvisor alone when {@link #ociRuntime} is gVisor's.
     */
    @JsonProperty
    private List<@Pattern(regexp = "^(container|gvisor)$", message = "must be container or gvisor") String> isolations;

    /** Isolation of sandboxes that ask for none: container or gvisor; null means gvisor if ociRuntime is gVisor's. */
    @JsonProperty
    @Pattern(regexp = "^(container|gvisor)$", message = "must be container or gvisor")
    private String defaultIsolation;

    /** The sandbox user. Never 0: sandboxes do not run as root. */
    @JsonProperty
    @Min(1)
    private int uid = 1000;

    @JsonProperty
    @Min(1)
    private int gid = 1000;

    @JsonProperty
    @NotBlank
    @Pattern(regexp = "^/[^\\x00]*$", message = "must be an absolute path")
    private String homeDirectory = "/home/sandbox";

    /** Size cap of /workspace; writes past it fail with ENOSPC. */
    @JsonProperty
    @NotNull
    @Pattern(regexp = Quantities.SIZE_PATTERN, message = "must be a size such as 1Gi")
    private String workspaceSize = "1Gi";

    @JsonProperty
    @NotNull
    @Pattern(regexp = Quantities.SIZE_PATTERN, message = "must be a size such as 256Mi")
    private String tmpSize = "256Mi";

    @JsonProperty
    @NotNull
    @Pattern(regexp = Quantities.SIZE_PATTERN, message = "must be a size such as 128Mi")
    private String homeSize = "128Mi";

    /** Most processes a sandbox may have at once: a fork bomb stops here. */
    @JsonProperty
    @Min(16)
    @Max(65536)
    private int pidsLimit = 256;

    /** The bridge network (inter-container traffic disabled) for sandboxes allowed on the network. */
    @JsonProperty
    @NotBlank
    @Pattern(regexp = "^[A-Za-z0-9][A-Za-z0-9._-]*$")
    private String network = "stateset-sandbox";

    /** Pull an image that is not present; off where no registry is reachable. */
    @JsonProperty
    private boolean pullMissingImages;

    @JsonProperty
    @Min(1)
    @Max(1024)
    private int maxConnections = 100;

    /**
     * The agent's binary (relative paths from the server's working directory, the installation's
     * own directory when started by bin/sandbox), placed read-only in every sandbox to run its
     * commands; empty for none. Without it, commands go through the engine's exec.
     */
    @JsonProperty
    private String agent = "agent/stateset-agent";

    /**
     * How long a sandbox's channel to its agent stays open without a command, a terminal, a
     * process request or a watch (each holds an exec stream, threads and a connection of the
     * engine's client); 0 keeps it open while the sandbox runs. It opens again at the next use, in
     * tens of milliseconds; background processes live in the agent, not in the channel.
     */
    @JsonProperty
    @Min(0)
    private int agentIdleSeconds = 600;

    public String host() {
        return host;
    }

    public String gvisorRuntime() {
        return gvisorRuntime;
    }

    /** The isolations this configuration allows, before the engine is asked which it can give. */
    public List<String> isolations() {
        if (isolations != null) {
            return List.copyOf(isolations);
        }
        return gvisorRuntime.equals(ociRuntime) ? List.of(Isolations.GVISOR) : List.of(Isolations.CONTAINER, Isolations.GVISOR);
    }

    public String defaultIsolation() {
        if (defaultIsolation != null) {
            return defaultIsolation;
        }
        return gvisorRuntime.equals(ociRuntime) ? Isolations.GVISOR : Isolations.CONTAINER;
    }

    /** The OCI runtime for an isolation: gVisor's, or {@link #ociRuntime} (null: the engine's default). */
    public String ociRuntime(String isolation) {
        if (Isolations.GVISOR.equals(isolation)) {
            return gvisorRuntime;
        }
        return gvisorRuntime.equals(ociRuntime) ? null : ociRuntime;
    }

    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    public String homeDirectory() {
        return homeDirectory;
    }

    public long workspaceBytes() {
        return Quantities.bytes(workspaceSize);
    }

    public long tmpBytes() {
        return Quantities.bytes(tmpSize);
    }

    public long homeBytes() {
        return Quantities.bytes(homeSize);
    }

    public int pidsLimit() {
        return pidsLimit;
    }

    public String network() {
        return network;
    }

    public boolean pullMissingImages() {
        return pullMissingImages;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public String agent() {
        return agent;
    }

    public DockerRuntimeConfig withAgent(String agent) {
        this.agent = agent;
        return this;
    }

    public int agentIdleSeconds() {
        return agentIdleSeconds;
    }

    public DockerRuntimeConfig withAgentIdleSeconds(int agentIdleSeconds) {
        this.agentIdleSeconds = agentIdleSeconds;
        return this;
    }

    public DockerRuntimeConfig withHost(String host) {
        this.host = host;
        return this;
    }

    public DockerRuntimeConfig withOciRuntime(String ociRuntime) {
        this.ociRuntime = ociRuntime;
        return this;
    }

    public DockerRuntimeConfig withIsolations(List<String> isolations) {
        this.isolations = isolations;
        return this;
    }

    public DockerRuntimeConfig withDefaultIsolation(String defaultIsolation) {
        this.defaultIsolation = defaultIsolation;
        return this;
    }

    public DockerRuntimeConfig withWorkspaceSize(String workspaceSize) {
        this.workspaceSize = workspaceSize;
        return this;
    }

    public DockerRuntimeConfig withPidsLimit(int pidsLimit) {
        this.pidsLimit = pidsLimit;
        return this;
    }
}
