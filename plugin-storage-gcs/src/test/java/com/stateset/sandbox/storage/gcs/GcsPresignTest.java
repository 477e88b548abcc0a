package com.stateset.sandbox.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stateset.sandbox.spi.storage.ObjectStore;
import com.stateset.sandbox.spi.storage.ObjectStoreMisconfiguredException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed URLs for Cloud Storage itself, made offline: signing needs the key and no request. */
class GcsPresignTest {

    @TempDir
    Path directory;

    private ObjectStore storeWith(ServiceAccountKey key) {
        return new GcsObjectStoreFactory().create(new GcsStoreConfig()
                .withBucket("acme-objects")
                .withPrefix("install-1")
                .withCredentialsFile(key.file().toString()), new TestContext());
    }

    @Test
    void urlsArePathStyleV4UrlsForCloudStorageSignedWithTheKey() throws Exception {
        ServiceAccountKey key = ServiceAccountKey.create(directory);
        try (ObjectStore store = storeWith(key)) {
            URI url = store.presignGet("reports/q1 summary.pdf", Duration.ofMinutes(5));

            assertThat(url.getScheme()).isEqualTo("https");
            assertThat(url.getHost()).isEqualTo("storage.googleapis.com");
            assertThat(url.getRawPath()).isEqualTo("/acme-objects/install-1/reports/q1%20summary.pdf");
            V4SignedUrl signed = new V4SignedUrl(url);
            assertThat(signed.lifetime()).isEqualTo(Duration.ofMinutes(5));
            assertThat(signed.param("X-Goog-Credential")).startsWith(key.email() + "/").endsWith("/auto/storage/goog4_request");
            assertThat(signed.isValidAt(Instant.now(), key.publicKey())).isTrue();
        }
    }

    @Test
    void lifetimesOutsideOneSecondToSevenDaysAreRefused() throws Exception {
        ServiceAccountKey key = ServiceAccountKey.create(directory);
        try (ObjectStore store = storeWith(key)) {
            assertThat(new V4SignedUrl(store.presignGet("a", Duration.ofDays(7))).lifetime())
                    .isEqualTo(Duration.ofDays(7));
            for (Duration expiry : new Duration[] {Duration.ofDays(7).plusSeconds(1), Duration.ZERO,
                    Duration.ofMillis(999), Duration.ofSeconds(-5)}) {
                assertThatThrownBy(() -> store.presignGet("a", expiry)).as(expiry.toString())
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("expiry must be between 1 second and 7 days");
            }
            assertThatThrownBy(() -> store.presignGet("../a", Duration.ofMinutes(1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void withoutAKeyPresigningSaysWhatIsMissing() {
        try (ObjectStore store = new GcsObjectStoreFactory().create(new GcsStoreConfig()
                .withBucket("acme-objects")
                .withHost("http://127.0.0.1:9"), new TestContext())) {
            assertThatThrownBy(() -> store.presignGet("a", Duration.ofMinutes(1)))
                    .isInstanceOf(ObjectStoreMisconfiguredException.class)
                    .hasMessageContaining("set credentialsFile");
        }
    }
}
