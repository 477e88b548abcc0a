package com.stateset.sandbox.server.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.stateset.sandbox.server.model.ApiKeyRecord;
import java.util.Arrays;
import java.util.List;

/** An API key as listed: never the key or its hash. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ApiKeyView(String id, String name, String keyPrefix, List<String> scopes, String lastUsedAt,
        String expiresAt, String createdAt) {

    public static ApiKeyView of(ApiKeyRecord key) {
        List<String> scopes = key.scopes().isEmpty() ? List.of() : Arrays.asList(key.scopes().split(","));
        return new ApiKeyView(key.id(), key.name(), key.keyPrefix(), scopes, Times.iso(key.lastUsedAt()),
                Times.iso(key.expiresAt()), Times.iso(key.createdAt()));
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Listing(List<ApiKeyView> apiKeys) {
    }

    /** The answer to creating a key: the listing form plus the key in clear, shown once. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Created(ApiKeyView apiKey, String key) {
    }
}
