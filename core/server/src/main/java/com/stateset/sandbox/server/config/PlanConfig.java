package com.stateset.sandbox.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.stateset.sandbox.spi.Quantities;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

/** The limits of one plan; an absent limit means none. */
public class PlanConfig {

    @JsonProperty
    @Min(0)
    private Integer sandboxesPerMonth;

    @JsonProperty
    @Min(0)
    private Integer concurrentSandboxes;

    @JsonProperty
    @Min(1)
    private Integer maxDurationSeconds;

    /** Checkpoints and artifacts together, as a size ({@code 1Gi}). */
    @JsonProperty
    @Pattern(regexp = Quantities.SIZE_PATTERN)
    private String storage;

    public PlanConfig() {
    }

    public PlanConfig(Integer sandboxesPerMonth, Integer concurrentSandboxes, Integer maxDurationSeconds, String storage) {
        this.sandboxesPerMonth = sandboxesPerMonth;
        this.concurrentSandboxes = concurrentSandboxes;
        this.maxDurationSeconds = maxDurationSeconds;
        this.storage = storage;
    }

    public Integer sandboxesPerMonth() {
        return sandboxesPerMonth;
    }

    public Integer concurrentSandboxes() {
        return concurrentSandboxes;
    }

    public Integer maxDurationSeconds() {
        return maxDurationSeconds;
    }

    public String storage() {
        return storage;
    }

    /** The storage limit in bytes, or null for none. */
    public Long storageBytes() {
        return storage == null ? null : Quantities.bytes(storage);
    }
}
