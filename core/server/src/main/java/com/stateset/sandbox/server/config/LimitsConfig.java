package com.stateset.sandbox.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.stateset.sandbox.spi.Quantities;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** Caps on what one request or one sandbox may ask for. */
public class LimitsConfig {

    @JsonProperty
    @NotNull
    @Pattern(regexp = Quantities.CPU_PATTERN, message = "must be a CPU quantity such as 4")
    private String maxCpus = "4";

    @JsonProperty
    @NotNull
    @Pattern(regexp = Quantities.SIZE_PATTERN, message = "must be a size such as 8Gi")
    private String maxMemory = "8Gi";

    /** Lifetime of a sandbox created without {@code timeout_seconds}. */
    @JsonProperty
    @Min(1)
    private int defaultTimeoutSeconds = 300;

    @JsonProperty
    @Min(1)
    private int maxTimeoutSeconds = 86_400;

    @JsonProperty
    @Min(1)
    private long defaultExecTimeoutMs = 60_000;

    @JsonProperty
    @Min(1)
    private long maxExecTimeoutMs = 3_600_000;

    /** Captured output per stream of one command; the rest is dropped and reported as truncated. */
    @JsonProperty
    @NotNull
    @Pattern(regexp = Quantities.SIZE_PATTERN)
    private String maxOutput = "10Mi";

    @JsonProperty
    @NotNull
    @Pattern(regexp = Quantities.SIZE_PATTERN)
    private String maxFileSize = "10Mi";

    @JsonProperty
    @Min(1)
    @Max(10_000)
    private int maxFilesPerRequest = 100;

    /** Largest file a sandbox can upload as one artifact, or download from one. */
    @JsonProperty
    @NotNull
    @Pattern(regexp = Quantities.SIZE_PATTERN)
    private String maxArtifactSize = "1Gi";

    /** Largest checkpoint (the workspace's bytes, before compression). */
    @JsonProperty
    @NotNull
    @Pattern(regexp = Quantities.SIZE_PATTERN)
    private String maxCheckpointSize = "10Gi";

    /** Largest request body; larger ones answer 413 before they are read. */
    @JsonProperty
    @NotNull
    @Pattern(regexp = Quantities.SIZE_PATTERN)
    private String maxRequestSize = "64Mi";

    @JsonProperty
    @Min(0)
    @Max(1000)
    private int maxEnvVars = 100;

    public long maxCpuMillis() {
        return Quantities.cpuMillis(maxCpus);
    }

    public String maxCpus() {
        return maxCpus;
    }

    public long maxMemoryBytes() {
        return Quantities.bytes(maxMemory);
    }

    public String maxMemory() {
        return maxMemory;
    }

    public int defaultTimeoutSeconds() {
        return defaultTimeoutSeconds;
    }

    public int maxTimeoutSeconds() {
        return maxTimeoutSeconds;
    }

    public long defaultExecTimeoutMs() {
        return defaultExecTimeoutMs;
    }

    public long maxExecTimeoutMs() {
        return maxExecTimeoutMs;
    }

    public long maxOutputBytes() {
        return Quantities.bytes(maxOutput);
    }

    public long maxFileBytes() {
        return Quantities.bytes(maxFileSize);
    }

    public long maxArtifactBytes() {
        return Quantities.bytes(maxArtifactSize);
    }

    public long maxCheckpointBytes() {
        return Quantities.bytes(maxCheckpointSize);
    }

    public int maxFilesPerRequest() {
        return maxFilesPerRequest;
    }

    public long maxRequestBytes() {
        return Quantities.bytes(maxRequestSize);
    }

    public int maxEnvVars() {
        return maxEnvVars;
    }
}
