package com.stateset.sandbox.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.TestServer;
import com.stateset.sandbox.spi.storage.ObjectStore;
import com.stateset.sandbox.testing.ObjectStoreContract;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The built-in local store against the object store contract, its presigned URLs served by a real
 * server's {@code /files/} endpoint (the test writes with its own store on the same root and secret,
 * as a second server process sharing the volume would).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class LocalObjectStoreIT extends ObjectStoreContract {

    private static final String SECRET = "local-store-test-secret-0123456789abcdef";
    private static final Path ROOT = tempDirectory();

    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create(
            ConfigOverride.config("storage.config.root", ROOT.toString()),
            ConfigOverride.config("storage.config.urlSigningSecret", SECRET));

    @Override
    protected ObjectStore store() {
        return new LocalObjectStore(ROOT, new UrlSigner(SECRET.getBytes(StandardCharsets.UTF_8)),
                () -> URI.create("http://127.0.0.1:" + APP.getLocalPort()), Clock.systemUTC());
    }

    @Override
    protected ObjectStore unreachableStore() {
        Path root = tempDirectory();
        ObjectStore store = new LocalObjectStore(root, new UrlSigner(SECRET.getBytes(StandardCharsets.UTF_8)),
                () -> URI.create("http://127.0.0.1:1"), Clock.systemUTC());
        deleteTree(root); // the volume went away
        return store;
    }

    @Test
    void keysNeverLeaveTheRootEvenThroughALinkPlantedInIt() throws IOException {
        Path outside = Files.createTempDirectory("outside");
        Files.createSymbolicLink(ROOT.resolve("objects").resolve("planted"), outside);
        try (ObjectStore store = store()) {
            assertThatThrownBy(() -> store.put("planted/x", new ByteArrayInputStream(new byte[1]), 1, "text/plain"))
                    .hasMessageContaining("symbolic link");
            assertThatThrownBy(() -> store.get("planted/x")).hasMessageContaining("symbolic link");
        } finally {
            Files.delete(ROOT.resolve("objects").resolve("planted"));
        }
        try (var listing = Files.list(outside)) {
            assertThat(listing).isEmpty();
        }
    }

    @Test
    void presignedUrlsServeDownloadsThatBrowsersDoNotRender() throws Exception {
        try (ObjectStore store = store()) {
            store.put(prefix + "page.html", new ByteArrayInputStream("<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8)),
                    25, "text/html");
            URI url = store.presignGet(prefix + "page.html", Duration.ofMinutes(1));
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v).startsWith("attachment"));
            assertThat(response.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("sandbox"));

            URI unsigned = URI.create(url.toString().replaceAll("&signature=.*", ""));
            HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(unsigned).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("\"code\":\"FORBIDDEN\"");
        }
    }

    private static Path tempDirectory() {
        try {
            return Files.createTempDirectory("local-store");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
