package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** An API key as listed: never the key or its hash. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ApiKeyView(String id, String name, String keyPrefix, List<String> scopes, String lastUsedAt,
        String expiresAt, String createdAt) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Listing(List<ApiKeyView> apiKeys) {
    }

    /** The answer to creating a key: the listing form plus the key in clear, shown once. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Created(ApiKeyView apiKey, String key) {
    }
}
