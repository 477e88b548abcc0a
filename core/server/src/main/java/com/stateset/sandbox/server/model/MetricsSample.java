package com.stateset.sandbox.server.model;

/**
 * One stored reading of a sandbox's counters; {@code cpuCores} is the CPU it used since the
 * reading before (or since it started), in cores.
 */
public record MetricsSample(String sandboxId, long sampledAt, long cpuNanos, double cpuCores, long memoryBytes,
        Long diskBytes, long diskLimitBytes, long networkRxBytes, long networkTxBytes) {
}
