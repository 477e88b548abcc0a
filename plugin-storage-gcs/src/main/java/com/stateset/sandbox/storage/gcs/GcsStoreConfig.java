package com.stateset.sandbox.storage.gcs;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** The {@code storage.config} section when {@code storage.type} is {@code gcs}. */
public class GcsStoreConfig {

    /** Project a created bucket goes into; null means the key's project, else the environment's. */
    @JsonProperty
    @Pattern(regexp = "^[a-z][a-z0-9.:-]*[a-z0-9]$", message = "must be a Google Cloud project ID")
    private String projectId;

    @JsonProperty
    @NotBlank
    @Pattern(regexp = "^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$",
            message = "must be a bucket name: lowercase letters, digits, '-', '_' and '.', starting and ending"
                    + " with a letter or digit")
    private String bucket;

    /**
     * Objects are stored under {@code prefix/} in the bucket, so several installations can share it.
     * Each segment follows the object key rules: not empty, not {@code .} or {@code ..}, no backslash
     * or control character.
     */
    @JsonProperty
    @NotNull
    @Pattern(regexp = "^$|^(?!\\.\\.?(/|$))[^/\\\\\\x00-\\x1f\\x7f]+(/(?!\\.\\.?(/|$))[^/\\\\\\x00-\\x1f\\x7f]+)*/?$",
            message = "must be empty or relative key segments separated by '/' (no empty, '.' or '..' segment,"
                    + " no backslash or control character)")
    private String prefix = "";

    /**
     * A service account's JSON key: it authenticates requests and signs URLs offline. Null means
     * Application Default Credentials, which sign URLs only when they are themselves a key.
     */
    @JsonProperty
    @Pattern(regexp = "^[^\\x00]+$", message = "must be a path")
    private String credentialsFile;

    /**
     * An emulator's base URL, such as {@code http://127.0.0.1:4443}. Requests to it carry no
     * credentials, and signed URLs point at it.
     */
    @JsonProperty
    @Pattern(regexp = "^https?://[^/?#\\s]+/?$", message = "must be a base URL such as http://127.0.0.1:4443")
    private String host;

    /** Create the bucket at start when it does not exist. */
    @JsonProperty
    private boolean createBucket;

    @JsonProperty
    @Min(1)
    @Max(300)
    private int connectTimeoutSeconds = 5;

    /** Longest wait for the next bytes of a response, not for a whole transfer. */
    @JsonProperty
    @Min(1)
    @Max(3600)
    private int readTimeoutSeconds = 60;

    /** Tries of one request, the first included, before an error is reported. */
    @JsonProperty
    @Min(1)
    @Max(10)
    private int maxAttempts = 3;

    public String projectId() {
        return projectId;
    }

    public String bucket() {
        return bucket;
    }

    public String prefix() {
        return prefix;
    }

    public String credentialsFile() {
        return credentialsFile;
    }

    public String host() {
        return host;
    }

    public boolean createBucket() {
        return createBucket;
    }

    public int connectTimeoutSeconds() {
        return connectTimeoutSeconds;
    }

    public int readTimeoutSeconds() {
        return readTimeoutSeconds;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public GcsStoreConfig withProjectId(String projectId) {
        this.projectId = projectId;
        return this;
    }

    public GcsStoreConfig withBucket(String bucket) {
        this.bucket = bucket;
        return this;
    }

    public GcsStoreConfig withPrefix(String prefix) {
        this.prefix = prefix;
        return this;
    }

    public GcsStoreConfig withCredentialsFile(String credentialsFile) {
        this.credentialsFile = credentialsFile;
        return this;
    }

    public GcsStoreConfig withHost(String host) {
        this.host = host;
        return this;
    }

    public GcsStoreConfig withCreateBucket(boolean createBucket) {
        this.createBucket = createBucket;
        return this;
    }
}
