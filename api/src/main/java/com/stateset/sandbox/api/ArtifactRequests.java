package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** Request bodies of the artifact endpoints. */
public final class ArtifactRequests {

    private ArtifactRequests() {
    }

    /** {@code POST /sandbox/{id}/artifacts/upload}; {@code expires_in} in seconds. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Upload(String path, String remotePath, String contentType, Long expiresIn, JsonNode metadata,
            String orgId) {
    }

    /** {@code POST /sandbox/{id}/artifacts/download}; {@code target_path} is another name for {@code path}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Download(String artifactId, String path, String targetPath, String orgId) {
    }
}
