package com.stateset.sandbox.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.DecimalMin;

/** What usage costs, in US cents, for the estimates of {@code /usage}. */
public class RatesConfig {

    @JsonProperty
    @DecimalMin("0")
    private double cpuHourCents = 5;

    @JsonProperty
    @DecimalMin("0")
    private double memoryGbHourCents = 2;

    @JsonProperty
    @DecimalMin("0")
    private double egressGbCents = 10;

    @JsonProperty
    @DecimalMin("0")
    private double storageGbMonthCents = 20;

    public double cpuHourCents() {
        return cpuHourCents;
    }

    public double memoryGbHourCents() {
        return memoryGbHourCents;
    }

    public double egressGbCents() {
        return egressGbCents;
    }

    public double storageGbMonthCents() {
        return storageGbMonthCents;
    }
}
