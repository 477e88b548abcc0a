package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RegisterResponse(OrganizationView organization, UserView user, NewKey apiKey) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record OrganizationView(String id, String name, String slug, String plan) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UserView(String id, String email, String role) {
    }

    /** The key in clear: shown this once. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record NewKey(String key, String keyPrefix, String name) {
    }
}
