package com.stateset.sandbox.server.api;

import static com.stateset.sandbox.server.api.AuthApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.ApiClient;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.Session;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Artifacts table of API.md, end to end: real containers, the built-in local store on disk. */
@ExtendWith({RequireDocker.class, DropwizardExtensionsSupport.class})
class ArtifactApiIT {

    private static final Path STORE = Session.tempDirectory("artifact-store");
    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create(
            ConfigOverride.config("storage.config.root", STORE.toString()),
            ConfigOverride.config("storage.sweepIntervalSeconds", "1"),
            ConfigOverride.config("limits.maxArtifactSize", "2Mi"));
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Session session;
    private static ApiClient api;
    private static String sandbox;

    @BeforeAll
    static void registerAndCreate() {
        session = Session.register(APP.getLocalPort(), "Artifact Org");
        api = session.api();
        sandbox = sandbox();
    }

    @AfterAll
    static void cleanUp() {
        session.stopAll();
    }

    @Test
    void uploadShareDownloadAndDelete() throws Exception {
        byte[] pdf = "%PDF-1.4\n% quarterly report\n".repeat(500).getBytes(StandardCharsets.UTF_8);
        write(sandbox, "output/report.pdf", pdf);

        Reply uploaded = post("/api/v1/sandbox/" + sandbox + "/artifacts/upload",
                Map.of("path", "/workspace/output/report.pdf", "metadata", Map.of("kind", "report")));
        assertThat(uploaded.status()).as(uploaded.raw()).isEqualTo(200);
        JsonNode artifact = uploaded.body();
        String id = artifact.get("id").asText();
        assertThat(id).startsWith("art_");
        assertThat(artifact.get("sandbox_id").asText()).isEqualTo(sandbox);
        assertThat(artifact.get("org_id").asText()).startsWith("org_");
        assertThat(artifact.get("path").asText()).isEqualTo("/workspace/output/report.pdf");
        assertThat(artifact.get("remote_path").asText()).isEqualTo("output/report.pdf");
        assertThat(artifact.get("size").asLong()).isEqualTo(pdf.length);
        assertThat(artifact.get("checksum").asText()).isEqualTo(sha256(pdf));
        assertThat(artifact.get("content_type").asText()).isEqualTo("application/pdf");
        assertThat(artifact.get("expires_at").isNull()).isTrue();
        assertThat(artifact.get("metadata").get("kind").asText()).isEqualTo("report");
        assertThat(STORE.resolve("objects/artifacts").resolve(artifact.get("org_id").asText()).resolve("output/report.pdf"))
                .hasBinaryContent(pdf);

        assertThat(get("/api/v1/artifacts/" + id).body().get("checksum").asText()).isEqualTo(sha256(pdf));
        assertThat(get("/api/v1/artifacts?sandbox_id=" + sandbox).body().get("artifacts"))
                .extracting(a -> a.get("id").asText()).contains(id);

        Reply url = get("/api/v1/artifacts/" + id + "/url?expires_in=600");
        assertThat(url.status()).as(url.raw()).isEqualTo(200);
        assertThat(url.text("/expires_at")).endsWith("Z");
        HttpResponse<byte[]> download = HTTP.send(HttpRequest.newBuilder(URI.create(url.text("/url"))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(pdf);
        assertThat(download.headers().firstValue("Content-Type")).hasValue("application/pdf");
        URI forged = URI.create(url.text("/url").replaceAll("expires=\\d+", "expires=99999999999"));
        assertThat(HTTP.send(HttpRequest.newBuilder(forged).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);

        String other = sandbox();
        Reply placed = post("/api/v1/sandbox/" + other + "/artifacts/download", Map.of("artifact_id", id, "path", "inbox/report.pdf"));
        assertThat(placed.status()).as(placed.raw()).isEqualTo(200);
        assertThat(placed.text("/path")).isEqualTo("/workspace/inbox/report.pdf");
        assertThat(placed.body().get("size").asLong()).isEqualTo(pdf.length);
        assertThat(sh(other, "sha256sum inbox/report.pdf | cut -d' ' -f1")).isEqualTo(sha256(pdf) + "\n");

        assertThat(session.delete("/api/v1/artifacts/" + id).status()).isEqualTo(200);
        assertThat(get("/api/v1/artifacts/" + id).status()).isEqualTo(404);
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(url.text("/url"))).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(404);
        assertThat(STORE.resolve("objects/artifacts").resolve(artifact.get("org_id").asText()).resolve("output/report.pdf"))
                .doesNotExist();
    }

    @Test
    void artifactsWithExpiresInDisappearOnTime() {
        write(sandbox, "tmp-result.json", "{}".getBytes(StandardCharsets.UTF_8));
        Reply uploaded = post("/api/v1/sandbox/" + sandbox + "/artifacts/upload",
                Map.of("path", "tmp-result.json", "remote_path", "short/result.json", "expires_in", 2, "content_type", "application/json"));
        assertThat(uploaded.status()).as(uploaded.raw()).isEqualTo(200);
        assertThat(uploaded.text("/content_type")).isEqualTo("application/json");
        assertThat(uploaded.text("/expires_at")).isNotNull();
        Path object = STORE.resolve("objects/artifacts").resolve(uploaded.text("/org_id")).resolve("short/result.json");
        assertThat(object).exists();

        String id = uploaded.text("/id");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(get("/api/v1/artifacts/" + id).status()).isEqualTo(404);
            assertThat(object).doesNotExist();
        });
        assertThat(post("/api/v1/sandbox/" + sandbox + "/artifacts/upload",
                Map.of("path", "tmp-result.json", "remote_path", "short/result.json")).status())
                .as("the remote path is free again").isEqualTo(200);
    }

    @Test
    void badPathsAreRefusedAndLinksAreNeverFollowed() {
        write(sandbox, "ok.txt", "ok".getBytes(StandardCharsets.UTF_8));
        String upload = "/api/v1/sandbox/" + sandbox + "/artifacts/upload";
        for (String remote : List.of("../escape.txt", "a/../../b", "/absolute.txt", "nul\u0000byte", "x".repeat(1025))) {
            assertField(post(upload, Map.of("path", "ok.txt", "remote_path", remote)), 400, "remote_path");
        }
        Reply missing = post(upload, Map.of("path", "no/such/file.txt"));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.raw()).contains("/workspace/no/such/file.txt");
        assertField(post(upload, Map.of("path", "/etc/passwd")), 400, "path");
        assertField(post(upload, Map.of("path", "/tmp/x")), 400, "path");
        assertField(post(upload, Map.of("path", "../etc/passwd")), 400, "path");

        sh(sandbox, "ln -sf /etc/passwd passwd-link && mkdir -p adir");
        Reply link = post(upload, Map.of("path", "passwd-link"));
        assertField(link, 400, "path");
        assertThat(link.raw()).contains("link").doesNotContain("root:x:0");
        assertField(post(upload, Map.of("path", "adir")), 400, "path");
        assertField(post(upload, Map.of("path", "ok.txt", "content_type", "not a type")), 400, "content_type");
        assertField(post(upload, Map.of("path", "ok.txt", "expires_in", 0)), 400, "expires_in");

        sh(sandbox, "head -c 3145728 /dev/zero > big.bin");
        Reply big = post(upload, Map.of("path", "big.bin"));
        assertThat(big.status()).as(big.raw()).isEqualTo(413);
        assertThat(big.errorCode()).isEqualTo("PAYLOAD_TOO_LARGE");

        assertThat(post(upload, Map.of("path", "ok.txt", "remote_path", "dup/ok.txt")).status()).isEqualTo(200);
        Reply duplicate = post(upload, Map.of("path", "ok.txt", "remote_path", "dup/ok.txt"));
        assertThat(duplicate.status()).as(duplicate.raw()).isEqualTo(409);
        for (String overlapping : List.of("dup", "dup/ok.txt/inner")) {
            Reply overlap = post(upload, Map.of("path", "ok.txt", "remote_path", overlapping));
            assertThat(overlap.status()).as(overlap.raw()).isEqualTo(409);
            assertThat(overlap.raw()).contains("dup/ok.txt");
        }
        assertThat(post(upload, Map.of("path", "ok.txt", "remote_path", "dup_x/ok.txt")).status())
                .as("LIKE wildcards in a path match only themselves").isEqualTo(200);
        assertField(post(upload, Map.of("path", "ok.txt", "remote_path", "n".repeat(256) + ".txt")), 400, "remote_path");
        assertField(post(upload, Map.of("path", "ok.txt", "content_type", "text/plain; charset")), 400, "content_type");
        sh(sandbox, "echo x > 'back\\slash.txt'");
        assertField(post(upload, Map.of("path", "back\\slash.txt")), 400, "remote_path");

        assertField(post("/api/v1/sandbox/" + sandbox + "/artifacts/download", Map.of("path", "x")), 400, "artifact_id");
        assertThat(post("/api/v1/sandbox/" + sandbox + "/artifacts/download", Map.of("artifact_id", "art_missing", "path", "x"))
                .errorCode()).isEqualTo("ARTIFACT_NOT_FOUND");
        assertField(get("/api/v1/artifacts/art_x/url?expires_in=forever"), 400, "expires_in");
    }

    @Test
    void otherOrganizationsSeeNothing() {
        write(sandbox, "private.txt", "mine".getBytes(StandardCharsets.UTF_8));
        String id = post("/api/v1/sandbox/" + sandbox + "/artifacts/upload", Map.of("path", "private.txt")).text("/id");
        String stranger = api.register("Artifact Stranger");
        String theirs = api.post("/api/v1/sandbox/create", Map.of(), "X-API-Key", stranger).text("/id");
        try {
            for (Reply reply : List.of(
                    api.get("/api/v1/artifacts/" + id, "X-API-Key", stranger),
                    api.get("/api/v1/artifacts/" + id + "/url", "X-API-Key", stranger),
                    api.post("/api/v1/sandbox/" + theirs + "/artifacts/download", Map.of("artifact_id", id, "path", "x"),
                            "X-API-Key", stranger),
                    api.post("/api/v1/sandbox/" + sandbox + "/artifacts/upload", Map.of("path", "private.txt", "remote_path", "s"),
                            "X-API-Key", stranger),
                    api.delete("/api/v1/artifacts/" + id, "X-API-Key", stranger))) {
                assertThat(reply.status()).as(reply.raw()).isEqualTo(404);
            }
            assertThat(api.get("/api/v1/artifacts", "X-API-Key", stranger).body().get("artifacts")).isEmpty();
        } finally {
            api.post("/api/v1/sandbox/" + theirs + "/stop", "", "X-API-Key", stranger);
        }
    }

    private static String sandbox() {
        return session.sandbox(Map.of());
    }

    private static void write(String sandbox, String path, byte[] content) {
        Reply reply = post("/api/v1/sandbox/" + sandbox + "/files",
                Map.of("files", List.of(Map.of("path", path, "content", Base64.getEncoder().encodeToString(content)))));
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    }

    private static String sh(String sandbox, String script) {
        return session.sh(sandbox, script);
    }

    private static Reply post(String path, Object body) {
        return session.post(path, body);
    }

    private static Reply get(String path) {
        return session.get(path);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
