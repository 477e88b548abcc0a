package com.stateset.sandbox.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.Map;

/**
 * Sandboxes started ahead, per template, so that a create claims one instead of waiting for a
 * container to start. Off (no templates) unless configured.
 */
public class WarmPoolConfig {

    /** How many idle sandboxes each template keeps ready, by template name. */
    @JsonProperty
    @NotNull
    private Map<String, @NotNull @Min(0) @Max(200) Integer> templates = Map.of();

    /** An idle sandbox older than this is replaced, so that a pool never serves a stale image for long. */
    @JsonProperty
    @Min(10)
    @Max(86_400)
    private int maxAgeSeconds = 1800;

    /** How many pooled sandboxes are started at once while refilling: the refill rate. */
    @JsonProperty
    @Min(1)
    @Max(16)
    private int refillConcurrency = 1;

    /**
     * The pause after a claim before the pool starts a replacement, so that starting it does not
     * compete with the first commands of the sandbox just claimed (on a small machine it doubled
     * their latency).
     */
    @JsonProperty
    @Min(0)
    @Max(60_000)
    private int refillDelayMillis = 1000;

    public Map<String, Integer> templates() {
        return templates;
    }

    public int maxAgeSeconds() {
        return maxAgeSeconds;
    }

    public int refillConcurrency() {
        return refillConcurrency;
    }

    public int refillDelayMillis() {
        return refillDelayMillis;
    }
}
