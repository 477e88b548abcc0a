package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** {@code POST /sandbox/{id}/files}: contents are base64 unless {@code encoding} is {@code utf8}. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record FilesRequest(List<File> files, String orgId) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record File(String path, String content, String encoding) {
    }
}
