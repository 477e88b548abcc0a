package com.stateset.sandbox.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.ApiClient;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.DockerCli;
import com.stateset.sandbox.server.testing.DockerSocketProxy;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Docker engine becoming unreachable while the server runs (the server talks to the real
 * engine through a socket the test can cut): 503 for what needs the engine, reads still served,
 * and recovery by itself once the engine is back.
 */
@ExtendWith({RequireDocker.class, DropwizardExtensionsSupport.class})
class RuntimeUnavailableIT {

    static final DockerSocketProxy ENGINE = new DockerSocketProxy(Path.of(System.getProperty("java.io.tmpdir"),
            "sandbox-engine-" + ProcessHandle.current().pid() + ".sock"));
    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create(
            ConfigOverride.config("runtime.config.host", ENGINE.host()));

    @AfterAll
    static void closeProxy() {
        ENGINE.close();
    }

    @Test
    void engineDownAnswers503AndReadsKeepWorkingUntilItIsBack() {
        ApiClient api = new ApiClient(APP.getLocalPort());
        String key = api.register("Outage Org");
        String id = api.post("/api/v1/sandbox/create", Map.of(), "X-API-Key", key).text("/id");
        assertThat(id).startsWith("sbx_");

        ENGINE.cut();
        try {
            Reply create = api.post("/api/v1/sandbox/create", Map.of(), "X-API-Key", key);
            assertThat(create.status()).isEqualTo(503);
            assertThat(create.errorCode()).isEqualTo("RUNTIME_UNAVAILABLE");
            Reply exec = api.post("/api/v1/sandbox/" + id + "/execute", Map.of("command", "echo hi"), "X-API-Key", key);
            assertThat(exec.status()).isEqualTo(503);
            assertThat(exec.errorCode()).isEqualTo("RUNTIME_UNAVAILABLE");
            assertThat(api.post("/api/v1/sandbox/" + id + "/files", Map.of("files", java.util.List.of(Map.of("path", "a", "content", ""))),
                    "X-API-Key", key).status()).isEqualTo(503);

            assertThat(api.get("/api/v1/sandbox/" + id, "X-API-Key", key).text("/status")).isEqualTo("running");
            assertThat(api.get("/api/v1/sandbox/" + id + "/status", "X-API-Key", key).status()).isEqualTo(200);
            assertThat(api.get("/api/v1/sandboxes", "X-API-Key", key).body().get("total").asInt()).isEqualTo(2);
            assertThat(api.get("/api/v1/sandboxes?status=error", "X-API-Key", key).body().get("total").asInt())
                    .as("the create that failed is recorded, not lost").isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Reply health = api.get("/health");
                assertThat(health.status()).isEqualTo(503);
                assertThat(health.text("/runtime")).isEqualTo("unhealthy");
                assertThat(health.text("/database")).isEqualTo("healthy");
            });
        } finally {
            ENGINE.restore();
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(api.get("/health").status()).isEqualTo(200));
        Reply exec = api.post("/api/v1/sandbox/" + id + "/execute", Map.of("command", "echo back"), "X-API-Key", key);
        assertThat(exec.text("/stdout")).isEqualTo("back\n");
        String failedId = api.get("/api/v1/sandboxes?status=error", "X-API-Key", key).text("/sandboxes/0/id");
        assertThat(DockerCli.run("inspect", failedId).exitCode()).as("no container for the failed create").isNotZero();
        api.post("/api/v1/sandbox/" + id + "/stop", "", "X-API-Key", key);
    }
}
