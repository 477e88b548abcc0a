package com.stateset.sandbox.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.stateset.sandbox.testing.Infrastructure;
import com.stateset.sandbox.testing.S3TestServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code config/production.yml} as an operator runs it, changed by environment variables alone:
 * a real PostgreSQL database, a real S3 server (S3Proxy), and sandboxes as pods of a Kubernetes
 * cluster, which a subclass provides. The server runs from the unpacked distribution.
 */
abstract class ProductionScenarios {

    static final String ADMIN_URL = System.getenv().getOrDefault("SANDBOX_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    static final String DB_USER = System.getenv().getOrDefault("SANDBOX_TEST_POSTGRES_USER", "postgres");
    static final String DB_PASSWORD = System.getenv().getOrDefault("SANDBOX_TEST_POSTGRES_PASSWORD", "postgres");
    static final Path CONFIG = ServerProcess.HOME.resolve("config/production.yml");
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path temp;
    S3TestServer s3;
    String database;

    /** The cluster's namespace for sandbox pods. */
    abstract String namespace();

    /** A client of the cluster, as its administrator. */
    abstract KubernetesClient cluster();

    /** The environment that points the server at the cluster. */
    abstract Map<String, String> clusterEnvironment();

    @BeforeEach
    void startDatabaseAndObjectStore() throws Exception {
        database = "sandbox_prod_" + HexFormat.of().formatHex(bytes(6));
        try (Connection admin = DriverManager.getConnection(ADMIN_URL, DB_USER, DB_PASSWORD)) {
            admin.createStatement().execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            Infrastructure.require(false, "PostgreSQL at " + ADMIN_URL + " (" + e.getMessage() + ")");
        }
        s3 = S3TestServer.start(Files.createDirectories(temp.resolve("s3")));
        s3.createBucket("sandbox-objects");
    }

    @AfterEach
    void stopDatabaseAndObjectStore() throws Exception {
        if (s3 != null) {
            s3.close();
        }
        try (Connection admin = DriverManager.getConnection(ADMIN_URL, DB_USER, DB_PASSWORD)) {
            admin.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    /** Every variable production.yml needs, and nothing else. */
    Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(clusterEnvironment());
        env.put("SANDBOX_DATABASE_URL", ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1) + database);
        env.put("SANDBOX_DATABASE_USER", DB_USER);
        env.put("SANDBOX_DATABASE_PASSWORD", DB_PASSWORD);
        env.put("SANDBOX_S3_ENDPOINT", s3.endpoint().toString());
        env.put("SANDBOX_S3_BUCKET", "sandbox-objects");
        env.put("SANDBOX_S3_PATH_STYLE", "true");
        env.put("SANDBOX_S3_ACCESS_KEY", S3TestServer.ACCESS_KEY);
        env.put("SANDBOX_S3_SECRET_KEY", S3TestServer.SECRET_KEY);
        env.put("SANDBOX_JWT_SECRET", HexFormat.of().formatHex(bytes(32)));
        env.put("SANDBOX_SECRETS_MASTER_KEY", Base64.getEncoder().encodeToString(bytes(32)));
        env.put("SANDBOX_REGISTRATION_ENABLED", "true");
        return env;
    }

    ServerProcess start(String... javaOptions) {
        List<String> options = new ArrayList<>(List.of("-Ddw.auth.defaultPlan=enterprise", "-Ddw.reconciler.intervalSeconds=1"));
        options.addAll(List.of(javaOptions));
        return ServerProcess.start(CONFIG, temp.resolve("data"), environment(), options.toArray(String[]::new)).awaitUp();
    }

    static String register(ServerProcess server) {
        return Http.post(server.url("/api/v1/register"), null,
                Map.of("email", "platform@example.com", "organization_name", "Platform")).body().at("/api_key/key").asText();
    }

    static String create(ServerProcess server, String key, String template) {
        Http.Reply created = Http.post(server.url("/api/v1/sandbox/create"), key, Map.of("template", template));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(200);
        return created.body().get("id").asText();
    }

    List<Pod> pods(String sandboxId) {
        return cluster().pods().inNamespace(namespace()).withLabel("io.stateset.sandbox.id", sandboxId).list().getItems();
    }

    @Test
    void theProductionConfigRunsSandboxesAsPodsAndARestartedControllerLeavesThemAlone() throws Exception {
        String key;
        String id;
        String podUid;
        try (ServerProcess server = start()) {
            assertThat(server.output()).contains("loaded plugin k8s-runtime").contains("database PostgreSQL");
            key = register(server);
            id = create(server, key, "python-basic");
            assertThat(pods(id)).singleElement().satisfies(pod -> {
                assertThat(pod.getMetadata().getLabels()).containsKey("io.stateset.sandbox.org");
                assertThat(pod.getSpec().getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            });
            podUid = pods(id).get(0).getMetadata().getUid();
            Http.Reply run = Http.post(server.url("/api/v1/sandbox/" + id + "/execute"), key,
                    Map.of("command", "python3 -c 'print(2+2)' > /workspace/answer.txt && cat /workspace/answer.txt"));
            assertThat(run.body().get("stdout").asText()).isEqualTo("4\n");
            Http.Reply artifact = Http.post(server.url("/api/v1/sandbox/" + id + "/artifacts/upload"), key,
                    Map.of("path", "answer.txt"));
            assertThat(artifact.status()).as(artifact.body().toString()).isEqualTo(200);
            try (var objects = Files.walk(s3.blobDirectory())) {
                assertThat(objects.filter(Files::isRegularFile).count()).as("the artifact is in the S3 bucket").isPositive();
            }
        }
        // The controller restarts (an upgrade): the sandbox keeps running in its pod, untouched.
        try (ServerProcess server = start()) {
            assertThat(pods(id)).singleElement().satisfies(pod -> assertThat(pod.getMetadata().getUid()).isEqualTo(podUid));
            Http.Reply again = Http.post(server.url("/api/v1/sandbox/" + id + "/execute"), key,
                    Map.of("command", "cat /workspace/answer.txt"));
            assertThat(again.body().get("stdout").asText()).isEqualTo("4\n");
            assertThat(Http.post(server.url("/api/v1/sandbox/" + id + "/stop"), key, Map.of()).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(pods(id)).isEmpty());
        }
    }

    @Test
    void aTemplateImageThatCannotBePulledEndsInErrorWithTheReasonAndLeavesNoPod() throws Exception {
        // The catalog's images under a registry that does not exist: claude-agent's is
        // registry.invalid/stateset/missing/claude-agent:latest.
        try (ServerProcess server = start("-Ddw.catalog.imagePrefix=registry.invalid/stateset/missing")) {
            String key = register(server);
            Http.Reply created = Http.post(server.url("/api/v1/sandbox/create"), key, Map.of("template", "claude-agent"));
            assertThat(created.status()).as("no retry cures it").isEqualTo(409);
            assertThat(created.body().at("/error/code").asText()).isEqualTo("RUNTIME_MISCONFIGURED");
            assertThat(created.body().at("/error/message").asText()).contains("ErrImagePull");
            Http.Reply list = Http.get(server.url("/api/v1/sandboxes"), key);
            assertThat(list.body().toString()).contains("\"status\":\"error\"").contains("ErrImagePull");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    cluster().pods().inNamespace(namespace()).withLabel("io.stateset.sandbox.org").list().getItems())
                    .noneMatch(p -> p.getSpec().getContainers().get(0).getImage().contains("missing")));
        }
    }

    static byte[] bytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
