package com.stateset.sandbox.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.ApiClient;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.TestPaths;
import com.stateset.sandbox.server.testing.TestServer;
import com.stateset.sandbox.testing.S3TestServer;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Checkpoints and artifacts on the S3 store plugin against a real S3-compatible server (S3Proxy, in
 * a process of its own), which then goes down and comes back: meanwhile writes answer 503 and
 * store nothing; afterwards every row has its objects and every object its row.
 */
@ExtendWith({RequireDocker.class, DropwizardExtensionsSupport.class})
class StorageOutageIT {

    private static final String BUCKET = "sandbox-outage";
    private static final S3TestServer S3 = startS3();
    private static final String DATABASE = TestServer.memoryDatabase();
    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create(DATABASE,
            TestPaths.pluginsDirectoryWithS3(),
            ConfigOverride.config("storage.type", "s3"),
            ConfigOverride.config("storage.config.endpoint", S3.endpoint().toString()),
            ConfigOverride.config("storage.config.bucket", BUCKET),
            ConfigOverride.config("storage.config.pathStyle", "true"),
            ConfigOverride.config("storage.config.accessKey", S3TestServer.ACCESS_KEY),
            ConfigOverride.config("storage.config.secretKey", S3TestServer.SECRET_KEY),
            ConfigOverride.config("storage.config.connectTimeoutSeconds", "1"),
            ConfigOverride.config("storage.sweepIntervalSeconds", "1"));

    @AfterAll
    static void stopS3() {
        S3.close();
    }

    @Test
    void anOutageLosesNothingAndLeavesNothingBehind() throws Exception {
        ApiClient api = new ApiClient(APP.getLocalPort());
        String key = api.register("Outage Org");
        String sandbox = api.post("/api/v1/sandbox/create", Map.of(), "X-API-Key", key).text("/id");
        try {
            Reply written = api.post("/api/v1/sandbox/" + sandbox + "/files", Map.of("files", List.of(
                    Map.of("path", "report.txt", "content", Base64.getEncoder().encodeToString("v1".getBytes(StandardCharsets.UTF_8))))),
                    "X-API-Key", key);
            assertThat(written.status()).isEqualTo(200);

            Reply artifact = api.post("/api/v1/sandbox/" + sandbox + "/artifacts/upload", Map.of("path", "report.txt"), "X-API-Key", key);
            assertThat(artifact.status()).as(artifact.raw()).isEqualTo(200);
            String url = api.get("/api/v1/artifacts/" + artifact.text("/id") + "/url", "X-API-Key", key).text("/url");
            assertThat(url).startsWith(S3.endpoint().toString());
            HttpResponse<String> fetched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(fetched.body()).as("an S3 presigned URL works with a plain GET").isEqualTo("v1");
            Reply checkpoint = api.post("/api/v1/sandbox/" + sandbox + "/checkpoints", Map.of("name", "before"), "X-API-Key", key);
            assertThat(checkpoint.status()).as(checkpoint.raw()).isEqualTo(200);

            S3.stop();
            Reply upload = api.post("/api/v1/sandbox/" + sandbox + "/artifacts/upload",
                    Map.of("path", "report.txt", "remote_path", "during-outage.txt"), "X-API-Key", key);
            assertThat(upload.status()).as(upload.raw()).isEqualTo(503);
            assertThat(upload.errorCode()).isEqualTo("STORAGE_UNAVAILABLE");
            Reply save = api.post("/api/v1/sandbox/" + sandbox + "/checkpoints", Map.of("name", "during"), "X-API-Key", key);
            assertThat(save.status()).as(save.raw()).isEqualTo(503);
            Reply restore = api.post("/api/v1/sandbox/" + sandbox + "/checkpoints/restore",
                    Map.of("checkpoint_id", checkpoint.text("/id")), "X-API-Key", key);
            assertThat(restore.status()).as(restore.raw()).isEqualTo(503);
            assertThat(api.get("/health").body().get("storage").asText()).isEqualTo("unhealthy");
            assertThat(api.delete("/api/v1/artifacts/" + artifact.text("/id"), "X-API-Key", key).status())
                    .as("deletion is accepted; the object goes when the store is back").isEqualTo(200);
            assertThat(api.get("/api/v1/artifacts/" + artifact.text("/id"), "X-API-Key", key).status()).isEqualTo(404);
            assertThat(api.get("/api/v1/checkpoints", "X-API-Key", key).body().get("checkpoints")).hasSize(1);

            S3.restart();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(rows("SELECT state FROM artifacts UNION ALL SELECT state FROM checkpoints"))
                        .as("only finished rows remain").containsOnly("ready");
                assertThat(objects()).isEqualTo(rowKeys());
            });
            assertThat(objects()).hasSize(2).as("the checkpoint's archive and manifest");
            assertThat(api.post("/api/v1/sandbox/" + sandbox + "/checkpoints/restore",
                    Map.of("checkpoint_id", checkpoint.text("/id")), "X-API-Key", key).status()).isEqualTo(200);
            assertThat(api.post("/api/v1/sandbox/" + sandbox + "/artifacts/upload",
                    Map.of("path", "report.txt", "remote_path", "after-outage.txt"), "X-API-Key", key).status()).isEqualTo(200);
        } finally {
            api.post("/api/v1/sandbox/" + sandbox + "/stop", "", "X-API-Key", key);
        }
    }

    private static Set<String> objects() throws IOException {
        Path bucket = S3.blobDirectory().resolve(BUCKET);
        try (Stream<Path> files = Files.walk(bucket)) {
            return files.filter(Files::isRegularFile).map(f -> bucket.relativize(f).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Set<String> rowKeys() throws SQLException {
        Set<String> keys = new TreeSet<>(rows("SELECT object_key FROM artifacts"));
        keys.addAll(rows("SELECT object_key FROM checkpoints"));
        keys.addAll(rows("SELECT manifest_key FROM checkpoints"));
        return keys;
    }

    private static List<String> rows(String sql) throws SQLException {
        try (Connection db = DriverManager.getConnection(DATABASE, "sa", "");
                ResultSet result = db.createStatement().executeQuery(sql)) {
            List<String> values = new java.util.ArrayList<>();
            while (result.next()) {
                values.add(result.getString(1));
            }
            return values;
        }
    }

    private static S3TestServer startS3() {
        try {
            S3TestServer server = S3TestServer.start(Files.createTempDirectory("s3-outage"));
            server.createBucket(BUCKET);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
