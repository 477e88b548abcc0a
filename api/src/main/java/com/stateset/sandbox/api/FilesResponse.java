package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record FilesResponse(boolean success, List<Written> files) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Written(String path, long size) {
    }

    /** {@code GET /sandbox/{id}/files?path=}: one file, base64. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Content(String path, String content, long size) {
    }
}
