package com.stateset.sandbox.spi.storage;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Stores objects (checkpoints, artifacts) under keys, as streams: nothing is buffered whole.
 *
 * <p>Keys are checked with {@link ObjectKeys#check}: relative, {@code /}-separated, no empty, {@code .}
 * or {@code ..} segment, no control characters, at most {@value ObjectKeys#MAX_BYTES} bytes of UTF-8.
 * A store may keep objects under a prefix of its own (a bucket, a root directory); a key never
 * reaches outside it.
 *
 * <p>Failures: {@link ObjectNotFoundException} for a missing object,
 * {@link ObjectStoreUnavailableException} when the store cannot be reached (the server answers 503),
 * {@link ObjectStoreException} otherwise. Implementations must be thread-safe.
 */
public interface ObjectStore extends AutoCloseable {

    /**
     * Stores the bytes of {@code data} under {@code key}, replacing any object there. All or
     * nothing: if reading {@code data} fails or the store fails, no object (and no part of one) is
     * left under the key by this call. Does not close {@code data}.
     *
     * @param length the number of bytes {@code data} holds, or -1 when not known in advance
     * @param contentType the media type served with the object, such as {@code application/pdf}
     */
    ObjectInfo put(String key, InputStream data, long length, String contentType);

    /** The object's bytes; the caller closes the stream. */
    InputStream get(String key);

    /** What the store knows of one object, or empty when it does not exist. */
    Optional<ObjectInfo> head(String key);

    /** Every object whose key starts with {@code prefix} (which may be empty), sorted by key. */
    List<ObjectInfo> list(String prefix);

    /** Deletes the object. Idempotent: deleting a missing object does nothing. */
    void delete(String key);

    /**
     * A URL that fetches the object with a plain HTTP GET and no credential until {@code expiry}
     * has passed, then no longer. The object need not exist yet.
     */
    URI presignGet(String key, Duration expiry);

    /** Checks that the store answers; throws {@link ObjectStoreUnavailableException} if not. */
    void ping();

    @Override
    void close();
}
