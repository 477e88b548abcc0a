package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** {@code POST /sandbox/{id}/fork} and {@code /promote}: a checkpoint and a new sandbox from it, in one call. */
public final class ForkRequests {

    private ForkRequests() {
    }

    /** Every field overrides the source's; {@code include_env} (default true) carries its variables over. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Fork(String cpus, String memory, Integer timeoutSeconds, String isolation, Boolean includeEnv,
            String checkpointName, String checkpointDescription, String orgId) {
    }

    /** {@code stop_source} (default true) stops the source once the new sandbox runs: a move. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Promote(String targetIsolation, String cpus, String memory, Integer timeoutSeconds, Boolean includeEnv,
            String checkpointName, String checkpointDescription, Boolean stopSource, String orgId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Forked(String parentId, String forkedId, String checkpointId, SandboxView sandbox) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Promoted(String sourceId, String promotedId, String checkpointId, String isolation, boolean sourceStopped,
            SandboxView sandbox) {
    }
}
