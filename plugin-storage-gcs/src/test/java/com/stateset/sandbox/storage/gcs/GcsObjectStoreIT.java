package com.stateset.sandbox.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stateset.sandbox.spi.storage.ObjectInfo;
import com.stateset.sandbox.spi.storage.ObjectStore;
import com.stateset.sandbox.spi.storage.ObjectStoreException;
import com.stateset.sandbox.spi.storage.ObjectStoreUnavailableException;
import com.stateset.sandbox.testing.Infrastructure;
import com.stateset.sandbox.testing.ObjectStoreContract;
import com.stateset.sandbox.testing.TestStreams;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The object store contract against fake-gcs-server, an HTTP emulator of Cloud Storage's JSON and XML
 * APIs started for this class on a free loopback port, with a service account key made by the test.
 * Resumable uploads, listing, reads and the error answers are the emulator's. It checks no
 * credentials and no permissions, and serves a signed URL without checking its signature or expiry,
 * so the test checks those itself (see {@link #presignedUrlsStopWorkingWhenTheyExpireOrAreAltered}).
 */
class GcsObjectStoreIT extends ObjectStoreContract {

    private static final String BUCKET = "sandbox-objects";

    @TempDir
    static Path directory;

    private static FakeGcsServer emulator;
    private static ServiceAccountKey key;

    @BeforeAll
    static void startEmulator() throws Exception {
        Optional<Path> binary = FakeGcsServer.binary();
        Infrastructure.require(binary.isPresent(), "fake-gcs-server (install it with scripts/install-fake-gcs-server)");
        key = ServiceAccountKey.create(directory);
        emulator = FakeGcsServer.start(binary.get(), directory);
    }

    @AfterAll
    static void stopEmulator() {
        if (emulator != null) {
            emulator.close();
        }
    }

    private static GcsStoreConfig config() {
        return new GcsStoreConfig()
                .withBucket(BUCKET)
                .withPrefix("install-a")
                .withHost(emulator.url())
                .withCredentialsFile(key.file().toString())
                .withCreateBucket(true);
    }

    private static ObjectStore create(GcsStoreConfig config) {
        return new GcsObjectStoreFactory().create(config, new TestContext());
    }

    @Override
    protected ObjectStore store() {
        return create(config());
    }

    @Override
    protected ObjectStore unreachableStore() {
        return create(config().withHost("http://127.0.0.1:" + FakeGcsServer.freePort()).withCreateBucket(false));
    }

    /**
     * The emulator serves signed URLs without checking them, so this checks what Cloud Storage would:
     * the signature verifies with the service account's public key over the V4 canonical request, an
     * altered path or lifetime no longer verifies, and {@code X-Goog-Date} plus {@code X-Goog-Expires}
     * end the URL's life one second after it was signed.
     */
    @Test
    @Override
    protected void presignedUrlsStopWorkingWhenTheyExpireOrAreAltered() throws Exception {
        try (ObjectStore store = store()) {
            store.put(prefix + "short-lived", bytes("x"), 1, "text/plain");
            Instant before = Instant.now();
            URI url = store.presignGet(prefix + "short-lived", Duration.ofSeconds(1));
            V4SignedUrl signed = new V4SignedUrl(url);

            assertThat(signed.param("X-Goog-Credential")).startsWith(key.email() + "/");
            assertThat(signed.lifetime()).isEqualTo(Duration.ofSeconds(1));
            assertThat(signed.signedAt()).isBetween(before.minusSeconds(1), Instant.now());
            assertThat(signed.isValidAt(signed.signedAt(), key.publicKey())).isTrue();

            V4SignedUrl otherPath = new V4SignedUrl(URI.create(url.toString().replace("short-lived", "short-livex")));
            V4SignedUrl longerLife = new V4SignedUrl(URI.create(url.toString().replace("X-Goog-Expires=1&",
                    "X-Goog-Expires=604800&")));
            assertThat(longerLife.lifetime()).isEqualTo(Duration.ofDays(7));
            assertThat(otherPath.signatureVerifies(key.publicKey())).isFalse();
            assertThat(longerLife.signatureVerifies(key.publicKey())).isFalse();

            Thread.sleep(2_500);
            assertThat(signed.isValidAt(Instant.now(), key.publicKey())).isFalse();
            assertThat(signed.signatureVerifies(key.publicKey())).as("only the time has run out").isTrue();
        }
    }

    @Test
    void aPutWhoseSourceFailsAfterWholeChunksWereUploadedLeavesNoObject() {
        try (ObjectStore store = store()) {
            InputStream failsAfter20MiB = TestStreams.failingAfter(20 << 20);
            assertThatThrownBy(() -> store.put(prefix + "half", failsAfter20MiB, -1, "application/octet-stream"))
                    .isInstanceOf(ObjectStoreException.class)
                    .isNotInstanceOf(ObjectStoreUnavailableException.class)
                    .hasMessageContaining("reading the data failed");
            assertThat(store.head(prefix + "half")).isEmpty();
            assertThat(store.list(prefix)).isEmpty();
        }
    }

    @Test
    void aPutShorterThanItsDeclaredLengthLeavesNoObject() {
        try (ObjectStore store = store()) {
            assertThatThrownBy(() -> store.put(prefix + "short", bytes("12345"), 6, "text/plain"))
                    .isInstanceOf(ObjectStoreException.class)
                    .hasMessageContaining("expected 6 bytes, got 5");
            assertThat(store.head(prefix + "short")).isEmpty();
        }
    }

    @Test
    void theContentTypeDefaultsToOctetStream() {
        try (ObjectStore store = store()) {
            ObjectInfo put = store.put(prefix + "untyped", bytes("x"), 1, null);
            assertThat(put.contentType()).isEqualTo(ObjectInfo.DEFAULT_CONTENT_TYPE);
            assertThat(store.head(prefix + "untyped").orElseThrow().contentType())
                    .isEqualTo(ObjectInfo.DEFAULT_CONTENT_TYPE);
        }
    }

    @Test
    void objectsLiveUnderTheConfiguredPrefixAndNoStoreSeesAnother() throws IOException {
        try (ObjectStore a = store();
                ObjectStore b = create(config().withPrefix("install-b/"));
                ObjectStore whole = create(config().withPrefix(""))) {
            a.put(prefix + "mine", bytes("a's"), 3, "text/plain");

            assertThat(b.head(prefix + "mine")).isEmpty();
            assertThat(b.list(prefix)).isEmpty();
            assertThat(whole.list("install-a/" + prefix)).extracting(ObjectInfo::key)
                    .containsExactly("install-a/" + prefix + "mine");
            try (InputStream in = whole.get("install-a/" + prefix + "mine")) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("a's");
            }
        }
    }

    @Test
    void pingReportsAMissingBucketAsAnErrorNotAsUnavailable() {
        try (ObjectStore store = create(config().withBucket("no-such-bucket").withCreateBucket(false))) {
            assertThatThrownBy(store::ping)
                    .isInstanceOf(ObjectStoreException.class)
                    .isNotInstanceOf(ObjectStoreUnavailableException.class)
                    .hasMessage("bucket no-such-bucket does not exist");
        }
    }

    @Test
    void anUnreachableStoreFailsWithinSeconds() {
        try (ObjectStore down = unreachableStore()) {
            long start = System.nanoTime();
            assertThatThrownBy(down::ping).isInstanceOf(ObjectStoreUnavailableException.class)
                    .hasMessageContaining("cannot be reached");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code size} zero bytes, then an I/O error. */
}
