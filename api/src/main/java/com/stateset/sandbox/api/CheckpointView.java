package com.stateset.sandbox.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * A checkpoint: {@code size} is the bytes it takes in the store (compressed), counted against the
 * storage quota; {@code checksum} is the SHA-256 of the stored archive.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CheckpointView(String id, String sandboxId, String orgId, String name, String description,
        String createdAt, long size, int fileCount, String checksum, JsonNode metadata, boolean includeEnv) {

    public record Listing(List<CheckpointView> checkpoints) {
    }

    /** {@code POST /checkpoints/compare}: paths relative to the workspace; env changes name keys only. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Comparison(List<String> added, List<String> removed, List<String> modified, int unchangedCount,
            EnvChanges envChanges) {
    }

    /**
     * {@code POST /sandbox/{id}/checkpoints/restore}: what was written. {@code env_restored} is false
     * when the environment was not asked for, or the checkpoint was saved without it.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Restored(boolean success, boolean filesRestored, boolean envRestored) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record EnvChanges(List<String> added, List<String> removed, List<String> modified) {
    }
}
