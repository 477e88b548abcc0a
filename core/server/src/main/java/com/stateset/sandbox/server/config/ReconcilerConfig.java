package com.stateset.sandbox.server.config;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * How often the server converges the database and the runtime, stops expired sandboxes and reads
 * running sandboxes' network counters.
 */
public class ReconcilerConfig {

    @JsonProperty
    @Min(1)
    @Max(3600)
    private int intervalSeconds = 60;

    @JsonProperty
    @Min(1)
    @Max(300)
    private int expiryCheckSeconds = 5;

    /**
     * How often running sandboxes' counters are read: their metrics and their egress (egress sent
     * after a sandbox's last reading is lost only if it ends without the server stopping it). Also
     * read under its earlier name, egressSampleSeconds.
     */
    @JsonProperty
    @JsonAlias("egressSampleSeconds")
    @Min(1)
    @Max(3600)
    private int usageSampleSeconds = 30;

    /** How long the readings behind a sandbox's metrics history are kept. */
    @JsonProperty
    @Min(1)
    @Max(24 * 90)
    private int metricsRetentionHours = 24;

    /** A sandbox still {@code creating} after this long is considered lost. */
    @JsonProperty
    @Min(10)
    private int createTimeoutSeconds = 300;

    public int intervalSeconds() {
        return intervalSeconds;
    }

    public int expiryCheckSeconds() {
        return expiryCheckSeconds;
    }

    public int usageSampleSeconds() {
        return usageSampleSeconds;
    }

    public int metricsRetentionHours() {
        return metricsRetentionHours;
    }

    public int createTimeoutSeconds() {
        return createTimeoutSeconds;
    }
}
