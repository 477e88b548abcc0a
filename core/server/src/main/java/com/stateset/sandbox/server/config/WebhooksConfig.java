package com.stateset.sandbox.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/** Where webhooks may point and how they are delivered. */
public class WebhooksConfig {

    /**
     * Lets webhooks reach loopback and private addresses (a receiver on this machine or the LAN).
     * Link-local and cloud metadata addresses stay refused whatever this says.
     */
    @JsonProperty
    private boolean allowPrivateTargets = false;

    /** Refuses plain http:// webhook URLs. */
    @JsonProperty
    private boolean requireHttps = true;

    /** Deliveries in flight at once, over all webhooks and sinks. */
    @JsonProperty
    @Min(1)
    @Max(1000)
    private int maxConcurrentDeliveries = 32;

    /** How often the outbox is checked for due deliveries (new events wake it at once). */
    @JsonProperty
    @Min(10)
    @Max(60_000)
    private int pollMillis = 500;

    public boolean allowPrivateTargets() {
        return allowPrivateTargets;
    }

    public boolean requireHttps() {
        return requireHttps;
    }

    public int maxConcurrentDeliveries() {
        return maxConcurrentDeliveries;
    }

    public int pollMillis() {
        return pollMillis;
    }
}
