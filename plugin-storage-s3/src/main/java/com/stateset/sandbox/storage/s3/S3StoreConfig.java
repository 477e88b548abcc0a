package com.stateset.sandbox.storage.s3;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The {@code storage.config} section when {@code storage.type} is {@code s3}. */
public class S3StoreConfig {

    /** Scheme, host and port only: the client puts the bucket in the path or the host name itself. */
    @JsonProperty
    @NotNull
    @Pattern(regexp = "^https?://[^/?#@\\s]+/?$",
            message = "must be an http:// or https:// URL without a path, such as https://s3.amazonaws.com")
    private String endpoint = "https://s3.amazonaws.com";

    /** Signs every request; S3 needs the bucket's own region, MinIO and Ceph accept the default. */
    @JsonProperty
    @NotNull
    @Pattern(regexp = "^[A-Za-z0-9][A-Za-z0-9._-]*$", message = "must be a region name such as us-east-1")
    private String region = "us-east-1";

    /** S3's bucket naming rules, so that a bad name fails at start rather than on the first upload. */
    @JsonProperty
    @NotNull
    @Pattern(regexp = "^(?!\\d+\\.\\d+\\.\\d+\\.\\d+$)(?!.*\\.\\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
            message = "must be an S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens,"
                    + " starting and ending with a letter or digit")
    private String bucket;

    /** Keys live under {@code prefix/}; segments follow the rules of object keys. */
    @JsonProperty
    @NotNull
    @Size(max = 512)
    @Pattern(regexp = "^((?!\\.\\.?(/|$))[^/\\\\\\p{Cntrl}]+(/|$))*$",
            message = "must be empty or a relative path such as sandbox/objects: no empty, '.' or '..' segments,"
                    + " backslashes or control characters")
    private String prefix = "";

    /** Absent (with secretKey): AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment. */
    @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
    private String accessKey;

    @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
    private String secretKey;

    /** Buckets in the URL path rather than the host name, as MinIO and Ceph usually need. */
    @JsonProperty
    private boolean pathStyle;

    /** Create the bucket at start if it is missing, rather than failing on use. */
    @JsonProperty
    private boolean createBucket;

    @JsonProperty
    @Min(1)
    @Max(300)
    private int connectTimeoutSeconds = 10;

    /** The longest wait for any read or write on a connection, not for a whole transfer. */
    @JsonProperty
    @Min(1)
    @Max(3600)
    private int readTimeoutSeconds = 60;

    public String endpoint() {
        return endpoint;
    }

    public String region() {
        return region;
    }

    public String bucket() {
        return bucket;
    }

    /** The prefix as it starts every stored key: empty, or ending with {@code /}. */
    public String keyPrefix() {
        return prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    public boolean pathStyle() {
        return pathStyle;
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

    @AssertTrue(message = "accessKey and secretKey are set together, or neither (then AWS_ACCESS_KEY_ID and"
            + " AWS_SECRET_ACCESS_KEY are used)")
    public boolean isCredentialsPaired() {
        return isBlank(accessKey) == isBlank(secretKey);
    }

    public S3StoreConfig withEndpoint(String endpoint) {
        this.endpoint = endpoint;
        return this;
    }

    public S3StoreConfig withBucket(String bucket) {
        this.bucket = bucket;
        return this;
    }

    public S3StoreConfig withPrefix(String prefix) {
        this.prefix = prefix;
        return this;
    }

    public S3StoreConfig withCredentials(String accessKey, String secretKey) {
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        return this;
    }

    public S3StoreConfig withPathStyle(boolean pathStyle) {
        this.pathStyle = pathStyle;
        return this;
    }

    public S3StoreConfig withCreateBucket(boolean createBucket) {
        this.createBucket = createBucket;
        return this;
    }

    public S3StoreConfig withConnectTimeoutSeconds(int connectTimeoutSeconds) {
        this.connectTimeoutSeconds = connectTimeoutSeconds;
        return this;
    }

    static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
