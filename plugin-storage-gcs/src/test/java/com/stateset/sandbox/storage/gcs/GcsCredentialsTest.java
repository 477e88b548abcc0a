package com.stateset.sandbox.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;
import com.stateset.sandbox.spi.storage.ObjectStoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which credentials a store sends, and which key signs its URLs. */
class GcsCredentialsTest {

    @TempDir
    Path directory;

    @Test
    void theKeyAuthenticatesRequestsAndSignsUrls() throws Exception {
        ServiceAccountKey key = ServiceAccountKey.create(directory);
        GcsCredentials credentials = GcsCredentials.load(new GcsStoreConfig().withBucket("b-1")
                .withCredentialsFile(key.file().toString()));
        assertThat(credentials.signingKey()).get().extracting(ServiceAccountCredentials::getClientEmail).isEqualTo(key.email());
        assertThat(credentials.requests()).isSameAs(credentials.signingKey().get());
    }

    @Test
    void anEmulatorGetsNoCredentialsButTheKeyStillSigns() throws Exception {
        ServiceAccountKey key = ServiceAccountKey.create(directory);
        GcsCredentials credentials = GcsCredentials.load(new GcsStoreConfig().withBucket("b-1")
                .withHost("http://127.0.0.1:4443").withCredentialsFile(key.file().toString()));
        assertThat(credentials.requests()).isSameAs(NoCredentials.getInstance());
        assertThat(credentials.signingKey()).isPresent();
    }

    @Test
    void aBrokenKeyFileIsReportedWithoutItsContent() throws Exception {
        Path broken = directory.resolve("key.json");
        Files.writeString(broken, "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nSECRET");

        assertThatThrownBy(() -> GcsCredentials.readKey(broken))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageStartingWith("credentialsFile " + broken + " is not a service account's JSON key")
                .hasNoCause()
                .message().doesNotContain("SECRET");
        assertThatThrownBy(() -> GcsCredentials.readKey(directory.resolve("missing.json")))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageEndingWith("missing.json does not exist");
    }
}
