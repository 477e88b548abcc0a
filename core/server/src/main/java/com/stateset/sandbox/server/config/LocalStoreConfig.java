package com.stateset.sandbox.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Pattern;

/** Settings of the built-in local store ({@code storage.type: local}). */
public class LocalStoreConfig {

    /** The directory objects are kept in; by default {@code storage} in the data directory. */
    @JsonProperty
    private String root;

    /**
     * The HMAC secret presigned URLs are signed with (at least 32 characters). When absent, one is
     * generated on first start and kept in the data directory.
     */
    @JsonProperty
    @Pattern(regexp = "^(|.{32,})$", message = "must be empty or at least 32 characters")
    private String urlSigningSecret;

    public String root() {
        return root == null || root.isBlank() ? null : root;
    }

    public String urlSigningSecret() {
        return urlSigningSecret == null || urlSigningSecret.isEmpty() ? null : urlSigningSecret;
    }
}
