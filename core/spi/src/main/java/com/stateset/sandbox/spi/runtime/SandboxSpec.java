package com.stateset.sandbox.spi.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;

/**
 * What the server asks a runtime to create.
 *
 * @param sandboxId the server's id for the sandbox; the runtime addresses it by this id
 * @param image the image (or equivalent) to run
 * @param cpuMillis CPU limit in thousandths of a core
 * @param memoryBytes memory limit for the sandbox's processes; swap is never allowed
 * @param env environment variables of every command run in the sandbox
 * @param network whether the sandbox may reach the network at all
 * @param labels labels to attach, including those of {@link SandboxLabels}
 * @param isolation how the sandbox is isolated: one of the runtime's {@link SandboxRuntime#isolations()}
 * @param maxLifetime the longest the sandbox may run from its start, or null for no limit: the server
 *     stops it at its (extendable) expiry, which never passes this; a runtime whose engine can end a
 *     sandbox by itself sets this limit there, so that it holds even while the server is down
 */
public record SandboxSpec(
        String sandboxId,
        String image,
        long cpuMillis,
        long memoryBytes,
        Map<String, String> env,
        boolean network,
        Map<String, String> labels,
        String isolation,
        Duration maxLifetime) {

    public SandboxSpec {
        requireNonNull(sandboxId, "sandboxId is null");
        requireNonNull(image, "image is null");
        if (cpuMillis <= 0) {
            throw new IllegalArgumentException("cpuMillis must be positive");
        }
        if (memoryBytes <= 0) {
            throw new IllegalArgumentException("memoryBytes must be positive");
        }
        env = Map.copyOf(requireNonNull(env, "env is null"));
        labels = Map.copyOf(requireNonNull(labels, "labels is null"));
        requireNonNull(isolation, "isolation is null");
        if (maxLifetime != null && (maxLifetime.isNegative() || maxLifetime.isZero())) {
            throw new IllegalArgumentException("maxLifetime must be positive");
        }
    }

    /** A sandbox with no limit of its own on its lifetime. */
    public SandboxSpec(String sandboxId, String image, long cpuMillis, long memoryBytes, Map<String, String> env,
            boolean network, Map<String, String> labels, String isolation) {
        this(sandboxId, image, cpuMillis, memoryBytes, env, network, labels, isolation, null);
    }

    /** A sandbox of {@link Isolations#CONTAINER} isolation. */
    public SandboxSpec(String sandboxId, String image, long cpuMillis, long memoryBytes, Map<String, String> env,
            boolean network, Map<String, String> labels) {
        this(sandboxId, image, cpuMillis, memoryBytes, env, network, labels, Isolations.CONTAINER, null);
    }
}
