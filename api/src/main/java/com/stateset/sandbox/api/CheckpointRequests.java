package com.stateset.sandbox.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** Request bodies of the checkpoint endpoints. */
public final class CheckpointRequests {

    private CheckpointRequests() {
    }

    /** {@code POST /sandbox/{id}/checkpoints}; {@code metadata} is ours, kept with the checkpoint. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Create(String name, String description, List<String> includePaths, List<String> excludePaths,
            Boolean includeEnv, JsonNode metadata, String orgId) {
    }

    /** {@code POST /sandbox/{id}/checkpoints/restore}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Restore(String checkpointId, Boolean restoreFiles, Boolean restoreEnv, Boolean overwrite, String orgId) {
    }

    /** {@code POST /checkpoints/{id}/clone}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Clone(String name, String description, String orgId) {
    }

    /** {@code POST /checkpoints/compare}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Compare(@JsonProperty("checkpoint_id_1") String checkpointId1,
            @JsonProperty("checkpoint_id_2") String checkpointId2, String orgId) {
    }
}
