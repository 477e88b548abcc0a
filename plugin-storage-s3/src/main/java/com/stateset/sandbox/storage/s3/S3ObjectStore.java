package com.stateset.sandbox.storage.s3;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.spi.storage.ObjectInfo;
import com.stateset.sandbox.spi.storage.ObjectKeys;
import com.stateset.sandbox.spi.storage.ObjectNotFoundException;
import com.stateset.sandbox.spi.storage.ObjectStore;
import com.stateset.sandbox.spi.storage.ObjectStoreException;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import io.minio.messages.Item;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Objects in one S3 bucket, under an optional key prefix, through minio-java (thread-safe, one
 * connection pool per store).
 *
 * <p>Data that fits in one part goes up as one PUT; more goes as a multipart upload read one part at
 * a time (minio-java sizes the parts from a known length, from 5 MiB up), so memory holds a part,
 * never the object. minio-java aborts the upload when the data or S3 fails, which leaves no part
 * behind. S3 lists keys without their content types, so {@link #list} asks for each object's head.
 */
final class S3ObjectStore implements ObjectStore {

    /** The part size when the length is unknown: 10,000 parts (S3's limit) of it hold 156 GiB. */
    static final long UNKNOWN_LENGTH_PART_SIZE = 16L << 20;
    /** S3 refuses presigned URLs that live longer (SigV4's limit). */
    static final Duration MAX_PRESIGN_EXPIRY = Duration.ofDays(7);

    private static final String NO_SUCH_KEY = "NoSuchKey";

    private final MinioClient client;
    private final String bucket;
    private final String prefix;
    private final String description;

    S3ObjectStore(MinioClient client, String endpoint, String bucket, String prefix) {
        this.client = requireNonNull(client, "client is null");
        this.bucket = requireNonNull(bucket, "bucket is null");
        this.prefix = requireNonNull(prefix, "prefix is null");
        this.description = "S3 bucket " + bucket + (prefix.isEmpty() ? "" : " under " + prefix) + " at " + endpoint;
    }

    /** Creates the bucket unless it exists; for a store configured to do so at start. */
    void createBucketIfMissing(String region) {
        S3Errors.run("creating bucket " + bucket, () -> {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                try {
                    client.makeBucket(MakeBucketArgs.builder().bucket(bucket).region(region).build());
                } catch (ErrorResponseException e) {
                    // Another server creating it at the same moment is as good as creating it.
                    if (!S3Errors.hasCode(e, "BucketAlreadyOwnedByYou")) {
                        throw e;
                    }
                }
            }
            return null;
        });
    }

    @Override
    public ObjectInfo put(String key, InputStream data, long length, String contentType) {
        String name = objectName(key);
        requireNonNull(data, "data is null");
        if (length < -1) {
            throw new IllegalArgumentException("length must be -1 (unknown) or at least 0, not " + length);
        }
        String type = contentType == null ? ObjectInfo.DEFAULT_CONTENT_TYPE : contentType;
        PutObjectArgs args = PutObjectArgs.builder().bucket(bucket).object(name)
                .stream(new SourceStream(data, length), length, length < 0 ? UNKNOWN_LENGTH_PART_SIZE : -1)
                .contentType(type)
                .build();
        S3Errors.run("storing " + key, () -> client.putObject(args));
        return head(key).orElseThrow(() -> new ObjectStoreException(key + ": stored, but gone at once"));
    }

    @Override
    public InputStream get(String key) {
        String name = objectName(key);
        return S3Errors.run("reading " + key, () -> {
            try {
                return client.getObject(GetObjectArgs.builder().bucket(bucket).object(name).build());
            } catch (ErrorResponseException e) {
                if (S3Errors.hasCode(e, NO_SUCH_KEY)) {
                    throw new ObjectNotFoundException(key);
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        return stat(key, objectName(key));
    }

    @Override
    public List<ObjectInfo> list(String keyPrefix) {
        ObjectKeys.checkPrefix(keyPrefix);
        Iterable<Result<Item>> items = client.listObjects(ListObjectsArgs.builder().bucket(bucket)
                .prefix(prefix + keyPrefix).recursive(true).build());
        List<ObjectInfo> found = new ArrayList<>();
        for (Result<Item> result : items) {
            Item item = S3Errors.run("listing keys under '" + keyPrefix + "'", result::get);
            String key = item.objectName().substring(prefix.length());
            // An object deleted since the listing is simply no longer there.
            stat(key, item.objectName()).ifPresent(found::add);
        }
        // S3 sorts by UTF-8 bytes; the SPI sorts as Java compares strings.
        found.sort(Comparator.comparing(ObjectInfo::key));
        return found;
    }

    @Override
    public void delete(String key) {
        String name = objectName(key);
        // S3 answers a delete of a missing key with success, so this is idempotent as it stands.
        S3Errors.run("deleting " + key, () -> {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(name).build());
            return null;
        });
    }

    @Override
    public URI presignGet(String key, Duration expiry) {
        String name = objectName(key);
        requireNonNull(expiry, "expiry is null");
        if (expiry.compareTo(Duration.ofSeconds(1)) < 0 || expiry.compareTo(MAX_PRESIGN_EXPIRY) > 0) {
            throw new IllegalArgumentException("expiry must be between 1 second and " + MAX_PRESIGN_EXPIRY.toDays()
                    + " days (S3's limit), not " + expiry);
        }
        // Signed locally with the configured region: no request reaches S3.
        String url = S3Errors.run("presigning " + key, () -> client.getPresignedObjectUrl(
                GetPresignedObjectUrlArgs.builder().method(Method.GET).bucket(bucket).object(name)
                        .expiry((int) expiry.toSeconds()).build()));
        return URI.create(url);
    }

    @Override
    public void ping() {
        boolean exists = S3Errors.run("checking " + description,
                () -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
        if (!exists) {
            throw new ObjectStoreException(description + ": the bucket does not exist (create it, or set createBucket)");
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            throw new ObjectStoreException("closing the S3 client: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return description;
    }

    private Optional<ObjectInfo> stat(String key, String name) {
        return S3Errors.run("reading the head of " + key, () -> {
            StatObjectResponse stat;
            try {
                stat = client.statObject(StatObjectArgs.builder().bucket(bucket).object(name).build());
            } catch (ErrorResponseException e) {
                if (S3Errors.hasCode(e, NO_SUCH_KEY)) {
                    return Optional.empty();
                }
                throw e;
            }
            String type = stat.contentType() == null ? ObjectInfo.DEFAULT_CONTENT_TYPE : stat.contentType();
            return Optional.of(new ObjectInfo(key, stat.size(), type, stat.lastModified().toInstant()));
        });
    }

    /** The bucket's name for {@code key}: the key, checked, under the store's prefix. */
    private String objectName(String key) {
        return prefix + ObjectKeys.check(key);
    }
}
