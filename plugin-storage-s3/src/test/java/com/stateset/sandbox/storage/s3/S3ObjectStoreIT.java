package com.stateset.sandbox.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stateset.sandbox.spi.storage.ObjectInfo;
import com.stateset.sandbox.spi.storage.ObjectStore;
import com.stateset.sandbox.spi.storage.ObjectStoreException;
import com.stateset.sandbox.spi.storage.ObjectStoreMisconfiguredException;
import com.stateset.sandbox.spi.storage.ObjectStoreUnavailableException;
import com.stateset.sandbox.testing.ObjectStoreContract;
import com.stateset.sandbox.testing.TestStreams;
import com.stateset.sandbox.testing.S3TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The object store contract, and what is particular to S3, against a real S3 server (S3Proxy). */
class S3ObjectStoreIT extends ObjectStoreContract {

    private static final String BUCKET = "sandbox-objects";
    private static final String PREFIX = "installation-1";

    @TempDir
    static Path directory;
    private static S3TestServer s3;

    @BeforeAll
    static void startS3() {
        s3 = S3TestServer.start(directory.resolve("s3"));
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Override
    protected ObjectStore store() {
        return create(config(s3.endpoint()).withPrefix(PREFIX));
    }

    @Override
    protected ObjectStore unreachableStore() {
        return create(config(URI.create("http://127.0.0.1:" + closedPort())).withPrefix(PREFIX)
                .withConnectTimeoutSeconds(1));
    }

    @Test
    void keysLiveUnderThePrefixAndListsStripIt() {
        try (ObjectStore store = store(); ObjectStore whole = create(config(s3.endpoint()))) {
            store.put(prefix + "a.txt", text("a"), 1, "text/plain");
            assertThat(whole.list(PREFIX + "/" + prefix)).extracting(ObjectInfo::key)
                    .containsExactly(PREFIX + "/" + prefix + "a.txt");
            assertThat(store.list(prefix)).extracting(ObjectInfo::key).containsExactly(prefix + "a.txt");
            assertThat(whole.list(prefix)).isEmpty();
        }
    }

    /** minio-java reads the data a part at a time; parts already uploaded must go when the data fails. */
    @Test
    void aSourceThatFailsAfterSomePartsLeavesNoPartsBehind() {
        long failAt = 2 * S3ObjectStore.UNKNOWN_LENGTH_PART_SIZE + (1 << 20);
        try (ObjectStore store = store()) {
            assertThatThrownBy(() -> store.put(prefix + "multipart-broken", TestStreams.failingAfter(failAt), -1,
                    "application/octet-stream"))
                    .isInstanceOf(ObjectStoreException.class)
                    .isNotInstanceOf(ObjectStoreUnavailableException.class)
                    .hasMessageContaining("reading the data failed");
            assertThat(store.list(prefix)).isEmpty();
        }
        // S3Proxy keeps the parts of an upload in progress in a ".mpus-<upload id>-dir" directory.
        assertThat(storedPaths()).as("parts left in the S3 server's storage")
                .noneMatch(path -> path.contains("multipart-broken") || path.contains(".mpus-"));
    }

    @Test
    void aSourceShorterThanItsLengthIsRefused() {
        try (ObjectStore store = store()) {
            assertThatThrownBy(() -> store.put(prefix + "short", text("abc"), 10, "text/plain"))
                    .isInstanceOf(ObjectStoreException.class)
                    .hasMessageContaining("ended after 3 of 10 bytes");
            assertThat(store.head(prefix + "short")).isEmpty();
        }
    }

    @Test
    void neitherObjectsNorListingsAreServedWithoutASignature() throws Exception {
        try (ObjectStore store = store()) {
            store.put(prefix + "private", text("secret data"), 11, "text/plain");
            URI bucket = URI.create(s3.endpoint() + "/" + BUCKET);
            assertThat(unsignedGet(URI.create(bucket + "/" + PREFIX + "/" + prefix + "private"))).isEqualTo(403);
            assertThat(unsignedGet(bucket)).isEqualTo(403);
        }
    }

    @Test
    void presignedUrlsLiveAtMostSevenDays() {
        try (ObjectStore store = store()) {
            assertThat(store.presignGet(prefix + "k", Duration.ofDays(7)).getQuery()).contains("X-Amz-Expires=604800");
            assertThatThrownBy(() -> store.presignGet(prefix + "k", Duration.ofDays(7).plusSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7 days");
            assertThatThrownBy(() -> store.presignGet(prefix + "k", Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aMissingBucketIsReportedAsSuchAndCanBeCreatedAtStart() {
        String bucket = "created-at-start";
        try (ObjectStore missing = create(config(s3.endpoint()).withBucket(bucket))) {
            assertThatThrownBy(missing::ping)
                    .isInstanceOf(ObjectStoreException.class)
                    .isNotInstanceOf(ObjectStoreUnavailableException.class)
                    .hasMessageContaining("the bucket does not exist");
        }
        for (int start = 0; start < 2; start++) {
            try (ObjectStore created = create(config(s3.endpoint()).withBucket(bucket).withCreateBucket(true))) {
                created.ping();
            }
        }
    }

    @Test
    void refusalsNameTheProblemAndNeverTheSecret() {
        String wrongSecret = "not-the-secret-" + S3TestServer.SECRET_KEY;
        S3StoreConfig config = config(s3.endpoint()).withCredentials(S3TestServer.ACCESS_KEY, wrongSecret);
        try (ObjectStore store = create(config)) {
            assertThat(store.toString()).doesNotContain(wrongSecret);
            assertThatThrownBy(() -> store.put(prefix + "x", text("x"), 1, "text/plain"))
                    .as("the operator's to fix: not a failure to retry")
                    .isInstanceOf(ObjectStoreMisconfiguredException.class)
                    .hasMessageContaining("403 SignatureDoesNotMatch")
                    .satisfies(e -> {
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            assertThat(t.toString()).doesNotContain(wrongSecret);
                        }
                    });
        }
    }

    /** How an outage looks from the store, and that the server comes back with its objects. */
    @Test
    void anOutageIsUnavailableUntilTheServerIsBack() {
        try (S3TestServer own = S3TestServer.start(directory.resolve("outage"));
                ObjectStore store = create(config(own.endpoint()).withCreateBucket(true).withConnectTimeoutSeconds(1))) {
            store.put("kept", text("kept"), 4, "text/plain");
            own.stop();
            assertThatThrownBy(store::ping).isInstanceOf(ObjectStoreUnavailableException.class);
            assertThatThrownBy(() -> store.get("kept")).isInstanceOf(ObjectStoreUnavailableException.class);
            assertThatThrownBy(() -> store.list("")).isInstanceOf(ObjectStoreUnavailableException.class);
            own.restart();
            store.ping();
            assertThat(store.head("kept")).get().extracting(ObjectInfo::size).isEqualTo(4L);
        }
    }

    private static int unsignedGet(URI url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static S3StoreConfig config(URI endpoint) {
        return new S3StoreConfig()
                .withEndpoint(endpoint.toString())
                .withBucket(BUCKET)
                .withPathStyle(true)
                .withCredentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY);
    }

    private static ObjectStore create(S3StoreConfig config) {
        return new S3ObjectStoreFactory().create(config, null);
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> storedPaths() {
        try (Stream<Path> files = Files.walk(s3.blobDirectory())) {
            return files.map(Path::toString).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream text(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
