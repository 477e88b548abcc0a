package com.stateset.sandbox.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stateset.sandbox.spi.storage.ObjectInfo;
import com.stateset.sandbox.spi.storage.ObjectNotFoundException;
import com.stateset.sandbox.spi.storage.ObjectStore;
import com.stateset.sandbox.spi.storage.ObjectStoreUnavailableException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ObjectStore} must do. An implementation's test extends this class and says how
 * to reach a real instance of its store; each test works under a fresh random prefix, so runs do not
 * see each other's objects.
 */
public abstract class ObjectStoreContract {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    protected String prefix;
    private ObjectStore store;

    /** A store connected to a running instance; the contract closes it after each test. */
    protected abstract ObjectStore store();

    /** A store configured like {@link #store()} but pointing at an address where nothing answers. */
    protected abstract ObjectStore unreachableStore();

    @BeforeEach
    final void openStore() {
        store = store();
        prefix = "contract-" + UUID.randomUUID() + "/";
    }

    @AfterEach
    final void closeStore() {
        for (ObjectInfo info : store.list(prefix)) {
            store.delete(info.key());
        }
        store.close();
    }

    @Test
    void putThenGetReturnsTheBytesAndHeadDescribesThem() throws IOException {
        byte[] bytes = "hello, object store".getBytes(StandardCharsets.UTF_8);
        ObjectInfo put = store.put(prefix + "a/b.txt", new ByteArrayInputStream(bytes), bytes.length, "text/plain");
        assertThat(put.size()).isEqualTo(bytes.length);

        try (InputStream in = store.get(prefix + "a/b.txt")) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        ObjectInfo head = store.head(prefix + "a/b.txt").orElseThrow();
        assertThat(head.key()).isEqualTo(prefix + "a/b.txt");
        assertThat(head.size()).isEqualTo(bytes.length);
        assertThat(head.contentType()).startsWith("text/plain");
    }

    @Test
    void putOfAnUnknownLengthStreamsLargeObjects() throws IOException {
        long size = 24L << 20;
        ObjectInfo put = store.put(prefix + "big.bin", TestStreams.pattern(size), -1, "application/octet-stream");
        assertThat(put.size()).isEqualTo(size);
        try (InputStream in = store.get(prefix + "big.bin")) {
            assertThat(sha256(in)).isEqualTo(sha256(TestStreams.pattern(size)));
        }
    }

    @Test
    void putReplacesAnExistingObject() throws IOException {
        store.put(prefix + "k", bytes("first version"), 13, "text/plain");
        store.put(prefix + "k", bytes("second"), 6, "text/plain");
        try (InputStream in = store.get(prefix + "k")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("second");
        }
    }

    @Test
    void aPutWhoseSourceFailsLeavesNoObject() {
        InputStream failing = TestStreams.failingAfter(3 << 20);
        assertThatThrownBy(() -> store.put(prefix + "broken", failing, -1, "application/octet-stream"))
                .isInstanceOf(RuntimeException.class);
        assertThat(store.head(prefix + "broken")).isEmpty();
        assertThat(store.list(prefix)).isEmpty();
    }

    @Test
    void missingObjectsAreReportedAsMissing() {
        assertThat(store.head(prefix + "nothing")).isEmpty();
        assertThatThrownBy(() -> store.get(prefix + "nothing")).isInstanceOf(ObjectNotFoundException.class);
    }

    @Test
    void deleteRemovesAndIsIdempotent() {
        store.put(prefix + "gone", bytes("x"), 1, "text/plain");
        store.delete(prefix + "gone");
        assertThat(store.head(prefix + "gone")).isEmpty();
        store.delete(prefix + "gone");
        store.delete(prefix + "never-was");
    }

    @Test
    void listReturnsKeysUnderThePrefixSorted() {
        store.put(prefix + "dir/b", bytes("b"), 1, "text/plain");
        store.put(prefix + "dir/a", bytes("a"), 1, "text/plain");
        store.put(prefix + "dir/sub/c", bytes("cc"), 2, "text/plain");
        store.put(prefix + "dir2/d", bytes("d"), 1, "text/plain");

        List<ObjectInfo> listed = store.list(prefix + "dir/");
        assertThat(listed).extracting(ObjectInfo::key)
                .containsExactly(prefix + "dir/a", prefix + "dir/b", prefix + "dir/sub/c");
        assertThat(listed.get(2).size()).isEqualTo(2);
        assertThat(store.list(prefix)).hasSize(4);
        assertThat(store.list(prefix + "nothing-here/")).isEmpty();
    }

    @Test
    void invalidKeysAreRefusedBeforeAnythingIsWritten() {
        for (String key : List.of("../escape", prefix + "a/../../b", "/absolute", prefix + "a//b", prefix + "nul\0x",
                prefix + "back\\slash", prefix + "x".repeat(1100), "")) {
            assertThatThrownBy(() -> store.put(key, bytes("x"), 1, "text/plain"))
                    .as(key).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.get(key)).as(key).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.delete(key)).as(key).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(store.list(prefix)).isEmpty();
    }

    @Test
    void presignedUrlsServeTheObjectToAPlainGetWithoutCredentials() throws Exception {
        byte[] bytes = "%PDF-1.4 report".getBytes(StandardCharsets.UTF_8);
        store.put(prefix + "output/report.pdf", new ByteArrayInputStream(bytes), bytes.length, "application/pdf");
        URI url = store.presignGet(prefix + "output/report.pdf", Duration.ofMinutes(5));

        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(url).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(bytes);
    }

    /**
     * Overridable only by a test whose stand-in server does not check signatures; the override must
     * check the URL's signature and expiry some other way and say so.
     */
    @Test
    protected void presignedUrlsStopWorkingWhenTheyExpireOrAreAltered() throws Exception {
        store.put(prefix + "short-lived", bytes("x"), 1, "text/plain");
        URI url = store.presignGet(prefix + "short-lived", Duration.ofSeconds(1));
        URI altered = URI.create(url.toString().replace("short-lived", "short-livex"));
        assertThat(get(altered)).isBetween(400, 499);

        Thread.sleep(2_500);
        assertThat(get(url)).isBetween(400, 499);
    }

    @Test
    void anUnreachableStoreSaysSo() {
        try (ObjectStore down = unreachableStore()) {
            assertThatThrownBy(down::ping).isInstanceOf(ObjectStoreUnavailableException.class);
            assertThatThrownBy(() -> down.put(prefix + "x", bytes("x"), 1, "text/plain"))
                    .isInstanceOf(ObjectStoreUnavailableException.class);
            assertThatThrownBy(() -> down.head(prefix + "x")).isInstanceOf(ObjectStoreUnavailableException.class);
        }
    }

    private static int get(URI url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(InputStream in) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
