package com.stateset.sandbox.spi.runtime;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A sandbox as the runtime sees it.
 *
 * @param sandboxId the sandbox id
 * @param state its state in the engine
 * @param labels its labels
 * @param ipAddress its address on the sandbox network, or null when it has none
 * @param detail why it is not running (exit code, out of memory, ...), or null
 */
public record RuntimeSandbox(
        String sandboxId,
        RuntimeState state,
        Map<String, String> labels,
        String ipAddress,
        String detail) {

    public RuntimeSandbox {
        requireNonNull(sandboxId, "sandboxId is null");
        requireNonNull(state, "state is null");
        labels = Map.copyOf(requireNonNull(labels, "labels is null"));
    }
}
