package com.stateset.sandbox.server.config;

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

    /** Egress sent after a sandbox's last reading is lost only if it ends without the server stopping it. */
    @JsonProperty
    @Min(1)
    @Max(3600)
    private int egressSampleSeconds = 30;

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

    public int egressSampleSeconds() {
        return egressSampleSeconds;
    }

    public int metricsRetentionHours() {
        return metricsRetentionHours;
    }

    public int createTimeoutSeconds() {
        return createTimeoutSeconds;
    }
}
