package com.stateset.sandbox.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.Session;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The plan's storage quota over checkpoints and artifacts: refused writes store nothing, even in parallel. */
@ExtendWith({RequireDocker.class, DropwizardExtensionsSupport.class})
class StorageQuotaIT {

    private static final Path STORE = Session.tempDirectory("quota-store");
    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create(
            ConfigOverride.config("storage.config.root", STORE.toString()),
            ConfigOverride.config("auth.defaultPlan", "free"),
            ConfigOverride.config("plans.free.storage", "64Ki"));
    private static Session session;
    private static String sandbox;
    private static String org;

    @BeforeAll
    static void setUp() {
        session = Session.register(APP.getLocalPort(), "Quota Org");
        sandbox = session.sandbox(Map.of());
        org = session.get("/api/v1/sandbox/" + sandbox).text("/org_id");
        // Random bytes, so that compression cannot bring a checkpoint under the quota.
        // The checkpoint overruns the quota by far more than the server buffers between sandbox and store.
        exec("for i in 1 2 3 4 5; do head -c 24576 /dev/urandom > part$i.bin; done; head -c 2097152 /dev/urandom > big.bin");
    }

    @AfterAll
    static void cleanUp() {
        session.stopAll();
    }

    @Test
    void writesOverTheQuotaAreRefusedAndStoreNothing() throws Exception {
        Reply checkpoint = post("/api/v1/sandbox/" + sandbox + "/checkpoints", Map.of("name", "too-big"));
        assertThat(checkpoint.status()).as(checkpoint.raw()).isEqualTo(402);
        assertThat(checkpoint.errorCode()).isEqualTo("QUOTA_EXCEEDED");
        assertThat(checkpoint.body().at("/error/details/limit_bytes").asLong()).isEqualTo(65536);
        assertThat(session.get("/api/v1/checkpoints").body().get("checkpoints")).isEmpty();
        assertThat(storedObjects("checkpoints")).isEmpty();

        // Four uploads of 24 KiB race for 64 KiB: exactly two fit.
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Reply>> uploads = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            String path = "part" + i + ".bin";
            uploads.add(pool.submit((Callable<Reply>) () -> post("/api/v1/sandbox/" + sandbox + "/artifacts/upload", Map.of("path", path))));
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Reply> upload : uploads) {
            statuses.add(upload.get().status());
        }
        pool.shutdown();
        assertThat(statuses).containsExactlyInAnyOrder(200, 200, 402, 402);
        assertThat(session.get("/api/v1/artifacts").body().get("artifacts")).hasSize(2);
        assertThat(storedObjects("artifacts")).hasSize(2);

        Reply fifth = post("/api/v1/sandbox/" + sandbox + "/artifacts/upload", Map.of("path", "part5.bin"));
        assertThat(fifth.status()).isEqualTo(402);
        assertThat(fifth.body().at("/error/details/used_bytes").asLong()).isEqualTo(2 * 24576);

        JsonNode first = session.get("/api/v1/artifacts").body().get("artifacts").get(0);
        assertThat(session.delete("/api/v1/artifacts/" + first.get("id").asText()).status()).isEqualTo(200);
        assertThat(post("/api/v1/sandbox/" + sandbox + "/artifacts/upload", Map.of("path", "part5.bin")).status())
                .as("deleting frees the quota").isEqualTo(200);
    }

    private static List<Path> storedObjects(String kind) throws IOException {
        Path dir = STORE.resolve("objects").resolve(kind).resolve(org);
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static void exec(String script) {
        session.sh(sandbox, script);
    }

    private static Reply post(String path, Object body) {
        return session.post(path, body);
    }
}
