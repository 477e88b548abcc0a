package com.stateset.sandbox.spi.storage;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One stored object.
 *
 * @param size bytes
 * @param contentType as given to {@link ObjectStore#put}, or {@code application/octet-stream}
 */
public record ObjectInfo(String key, long size, String contentType, Instant lastModified) {

    public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    public ObjectInfo {
        requireNonNull(key, "key is null");
        requireNonNull(contentType, "contentType is null");
        requireNonNull(lastModified, "lastModified is null");
        if (size < 0) {
            throw new IllegalArgumentException("size is negative");
        }
    }
}
