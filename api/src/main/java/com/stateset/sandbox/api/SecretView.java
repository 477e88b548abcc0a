package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** A secret as the API shows it: everything but its value, which is never returned. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SecretView(String id, String name, String scope, List<String> allowedSandboxPatterns, String expiresAt,
        String createdAt, String updatedAt, boolean expired) {

    public record Listing(List<SecretView> secrets) {
    }

    /** {@code {"secret": {...}}}. */
    public record One(SecretView secret) {
    }

    /** The names added to the sandbox's environment. */
    public record Injected(List<String> injected) {
    }
}
