package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** An artifact; {@code checksum} is the SHA-256 of its bytes, {@code path} where it was uploaded from. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ArtifactView(String id, String sandboxId, String orgId, String path, String remotePath, long size,
        String checksum, String contentType, String createdAt, String expiresAt, JsonNode metadata) {

    public record Listing(List<ArtifactView> artifacts) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Url(String url, String expiresAt) {
    }

    /** {@code POST /sandbox/{id}/artifacts/download}. */
    public record Downloaded(boolean success, String path, long size) {
    }
}
