package com.stateset.sandbox.storage.gcs;

import static java.util.Objects.requireNonNull;

import com.google.api.gax.paging.Page;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BlobWriteSession;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.Storage.SignUrlOption;
import com.stateset.sandbox.spi.storage.ObjectInfo;
import com.stateset.sandbox.spi.storage.ObjectKeys;
import com.stateset.sandbox.spi.storage.ObjectNotFoundException;
import com.stateset.sandbox.spi.storage.ObjectStore;
import com.stateset.sandbox.spi.storage.ObjectStoreException;
import com.stateset.sandbox.spi.storage.ObjectStoreMisconfiguredException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Objects in one Cloud Storage bucket, under an optional prefix, through the JSON API.
 *
 * <p>A put is a resumable upload that is finalized only after the whole source has been read, so a
 * failing source or store leaves no object: the unfinished upload is never visible, and Cloud Storage
 * discards it after a week. Only one upload chunk (16 MiB) is held in memory at a time.
 *
 * <p>Presigned URLs are V4 signed URLs, signed locally with the service account's key.
 */
final class GcsObjectStore implements ObjectStore {

    /** The longest lifetime Cloud Storage accepts for a V4 signed URL. */
    static final Duration MAX_URL_LIFETIME = Duration.ofDays(7);

    private static final int COPY_BUFFER_BYTES = 256 * 1024;

    private final Storage storage;
    private final String bucket;
    private final String root;
    private final Optional<ServiceAccountCredentials> signingKey;
    private final List<SignUrlOption> urlOptions;

    /**
     * @param prefix empty, or the prefix all names get (a {@code /} is added when missing)
     * @param urlHost where signed URLs point instead of Cloud Storage (an emulator), or null
     */
    GcsObjectStore(Storage storage, String bucket, String prefix, Optional<ServiceAccountCredentials> signingKey,
            String urlHost) {
        this.storage = requireNonNull(storage, "storage is null");
        this.bucket = requireNonNull(bucket, "bucket is null");
        this.root = ObjectKeys.checkPrefix(prefix).isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
        this.signingKey = requireNonNull(signingKey, "signingKey is null");
        this.urlOptions = urlHost == null
                ? List.of(SignUrlOption.withV4Signature(), SignUrlOption.withPathStyle())
                : List.of(SignUrlOption.withV4Signature(), SignUrlOption.withPathStyle(),
                        SignUrlOption.withHostName(urlHost.replaceAll("/$", "")));
    }

    @Override
    public ObjectInfo put(String key, InputStream data, long length, String contentType) {
        BlobInfo target = BlobInfo.newBuilder(bucket, name(key))
                .setContentType(contentType == null ? ObjectInfo.DEFAULT_CONTENT_TYPE : contentType)
                .build();
        // A write session, unlike a plain writer, hands back the object it finalized.
        BlobWriteSession session;
        WritableByteChannel upload;
        try {
            session = storage.blobWriteSession(target);
            upload = session.open();
        } catch (IOException | RuntimeException e) {
            throw GcsErrors.translate("put " + key, e);
        }
        long written = copy(key, data, upload);
        if (length >= 0 && written != length) {
            throw new ObjectStoreException("put " + key + ": expected " + length + " bytes, got " + written
                    + "; nothing was stored");
        }
        try {
            upload.close();
            return info(key, session.getResult().get());
        } catch (ExecutionException e) {
            throw GcsErrors.translate("put " + key, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ObjectStoreException("put " + key + ": interrupted", e);
        } catch (IOException | RuntimeException e) {
            throw GcsErrors.translate("put " + key, e);
        }
    }

    /**
     * Sends all of {@code data} into the upload without finalizing it. On any failure the upload is
     * left unfinalized, which is what keeps a broken put from leaving an object.
     */
    private static long copy(String key, InputStream data, WritableByteChannel upload) {
        byte[] bytes = new byte[COPY_BUFFER_BYTES];
        long written = 0;
        while (true) {
            int n;
            try {
                n = data.read(bytes);
            } catch (IOException e) {
                throw new ObjectStoreException("put " + key + ": reading the data failed (" + e.getMessage()
                        + "); nothing was stored", e);
            }
            if (n < 0) {
                return written;
            }
            ByteBuffer chunk = ByteBuffer.wrap(bytes, 0, n);
            try {
                while (chunk.hasRemaining()) {
                    upload.write(chunk);
                }
            } catch (IOException | RuntimeException e) {
                throw GcsErrors.translate("put " + key, e);
            }
            written += n;
        }
    }

    @Override
    public InputStream get(String key) {
        String name = name(key);
        ReadChannel channel = storage.reader(BlobId.of(bucket, name));
        PushbackInputStream in = new PushbackInputStream(Channels.newInputStream(channel), 1);
        try {
            // The channel sends its request on the first read: read one byte now, so that a missing
            // object is reported here rather than on the caller's first read.
            int first = in.read();
            if (first >= 0) {
                in.unread(first);
            }
            return in;
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (GcsErrors.isNotFound(e)) {
                throw new ObjectNotFoundException(key);
            }
            throw GcsErrors.translate("get " + key, e);
        }
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        String name = name(key);
        try {
            return Optional.ofNullable(storage.get(BlobId.of(bucket, name))).map(blob -> info(key, blob));
        } catch (RuntimeException e) {
            throw GcsErrors.translate("head " + key, e);
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        ObjectKeys.checkPrefix(prefix);
        List<ObjectInfo> found = new ArrayList<>();
        try {
            Page<Blob> page = storage.list(bucket, BlobListOption.prefix(root + prefix));
            for (Blob blob : page.iterateAll()) {
                String key = blob.getName().substring(root.length());
                // Names that are no valid key, such as the console's "folder/" placeholders, are not objects here.
                if (ObjectKeys.problem(key) == null) {
                    found.add(info(key, blob));
                }
            }
        } catch (RuntimeException e) {
            throw GcsErrors.translate("list " + prefix, e);
        }
        found.sort(Comparator.comparing(ObjectInfo::key));
        return found;
    }

    @Override
    public void delete(String key) {
        String name = name(key);
        try {
            storage.delete(BlobId.of(bucket, name));
        } catch (RuntimeException e) {
            throw GcsErrors.translate("delete " + key, e);
        }
    }

    @Override
    public URI presignGet(String key, Duration expiry) {
        String name = name(key);
        requireNonNull(expiry, "expiry is null");
        if (expiry.toSeconds() < 1 || expiry.compareTo(MAX_URL_LIFETIME) > 0) {
            throw new IllegalArgumentException("expiry must be between 1 second and 7 days, not " + expiry);
        }
        ServiceAccountCredentials signer = signingKey.orElseThrow(() -> new ObjectStoreMisconfiguredException(
                "signed URLs need a service account's JSON key: set credentialsFile in storage.config", null));
        List<SignUrlOption> options = new ArrayList<>(urlOptions);
        options.add(SignUrlOption.signWith(signer));
        try {
            return storage.signUrl(BlobInfo.newBuilder(bucket, name).build(), expiry.toSeconds(), TimeUnit.SECONDS,
                    options.toArray(SignUrlOption[]::new)).toURI();
        } catch (URISyntaxException | RuntimeException e) {
            throw new ObjectStoreException("presign " + key + ": signing failed (" + e.getClass().getSimpleName() + ")",
                    e);
        }
    }

    /**
     * Lists at most one object, which needs only the object permissions a store needs anyway (unlike
     * reading the bucket's metadata).
     */
    @Override
    public void ping() {
        try {
            storage.list(bucket, BlobListOption.pageSize(1), BlobListOption.prefix(root));
        } catch (RuntimeException e) {
            if (GcsErrors.isNotFound(e)) {
                throw new ObjectStoreException("bucket " + bucket + " does not exist", e);
            }
            throw GcsErrors.translate("ping bucket " + bucket, e);
        }
    }

    /** Creates the bucket unless it exists; a bucket someone else owns is reported as a failure. */
    void createBucketIfMissing() {
        try {
            storage.create(BucketInfo.of(bucket));
        } catch (RuntimeException e) {
            if (GcsErrors.status(e).filter(code -> code == 409).isEmpty()) {
                throw GcsErrors.translate("create bucket " + bucket, e);
            }
            ping();
        }
    }

    @Override
    public void close() {
        try {
            storage.close();
        } catch (Exception e) {
            throw new ObjectStoreException("closing the Cloud Storage client failed", e);
        }
    }

    private String name(String key) {
        return root + ObjectKeys.check(key);
    }

    private static ObjectInfo info(String key, BlobInfo blob) {
        OffsetDateTime updated = blob.getUpdateTimeOffsetDateTime();
        return new ObjectInfo(key, blob.getSize(),
                blob.getContentType() == null ? ObjectInfo.DEFAULT_CONTENT_TYPE : blob.getContentType(),
                updated.toInstant());
    }
}
