package com.stateset.sandbox.spi.runtime;

import com.stateset.sandbox.spi.Experimental;

/**
 * One reading of what a sandbox uses, as its engine counts it. Counters ({@code cpuNanos},
 * {@code network*}) grow from the sandbox's start; the others are levels at the time of reading.
 *
 * @param cpuNanos CPU time its processes have used, in nanoseconds
 * @param memoryBytes memory its processes use now
 * @param diskBytes bytes its writable areas hold now, or null where the engine cannot tell them
 *     apart from memory (gVisor keeps both in one memory file)
 * @param diskLimitBytes what its writable areas may hold together
 * @param networkRxBytes bytes received from the network
 * @param networkTxBytes bytes sent to the network
 */
@Experimental
public record ResourceUsage(
        long cpuNanos,
        long memoryBytes,
        Long diskBytes,
        long diskLimitBytes,
        long networkRxBytes,
        long networkTxBytes) {

    public ResourceUsage {
        if (cpuNanos < 0 || memoryBytes < 0 || diskBytes != null && diskBytes < 0 || diskLimitBytes < 0
                || networkRxBytes < 0 || networkTxBytes < 0) {
            throw new IllegalArgumentException("resource usage cannot be negative");
        }
    }
}
