package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** Request bodies of the secret endpoints; {@code expires_in} in seconds. */
public final class SecretRequests {

    private SecretRequests() {
    }

    /** {@code POST /secrets}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Create(String name, String value, String scope, List<String> allowedSandboxPatterns, Long expiresIn,
            String orgId) {

        // Records print every component; the value must not reach a log through one.
        @Override
        public String toString() {
            return "Create[name=" + name + ", value=<hidden>]";
        }
    }

    /** {@code PUT /secrets/{name}}: a new value; the other fields, when given, replace the stored ones. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Update(String value, String scope, List<String> allowedSandboxPatterns, Long expiresIn, String orgId) {

        @Override
        public String toString() {
            return "Update[value=<hidden>]";
        }
    }

    /** {@code POST /sandbox/{id}/secrets/inject}: the named secrets, or with {@code all} every usable one. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Inject(List<String> secrets, Boolean all, String orgId) {
    }
}
