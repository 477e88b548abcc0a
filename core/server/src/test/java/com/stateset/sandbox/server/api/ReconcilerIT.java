package com.stateset.sandbox.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.config.DatabaseConfig;
import com.stateset.sandbox.server.testing.ApiClient;
import com.stateset.sandbox.server.testing.DockerCli;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The database and the engine converge: periodically while the server runs, and at start after a
 * crash. Containers are removed and rows rewritten behind the server's back, as a crash or an
 * operator would.
 */
@ExtendWith(RequireDocker.class)
class ReconcilerIT {

    @Test
    void orphansAreRemovedVanishedSandboxesMarkedAndInterruptedWorkFinishedAtStart() throws Exception {
        Path data = Files.createTempDirectory("reconciler-db");
        String database = "jdbc:h2:file:" + data.resolve("sandbox");
        DropwizardAppExtension<SandboxConfiguration> first = TestServer.create(database,
                ConfigOverride.config("reconciler.intervalSeconds", "1"));
        first.before();
        String key;
        String vanishing;
        String interrupted;
        String stopping;
        String keeper;
        String install;
        try {
            ApiClient api = new ApiClient(first.getLocalPort());
            key = api.register("Reconcile Org");
            vanishing = create(api, key);
            interrupted = create(api, key);
            stopping = create(api, key);
            keeper = create(api, key);
            install = DockerCli.run("inspect", "-f", "{{ index .Config.Labels \"io.stateset.sandbox.install\" }}", keeper).output().strip();
            assertThat(install).startsWith("inst_");

            // Behind the server's back: a container vanishes, and an orphan appears with our labels.
            assertThat(DockerCli.run("rm", "-f", vanishing).exitCode()).isZero();
            String orphan = "sbx_orphan" + System.nanoTime();
            assertThat(DockerCli.run("create", "--name", orphan, "--label", "io.stateset.sandbox.install=" + install,
                    "--label", "io.stateset.sandbox.id=" + orphan, "stateset-sandbox/python-basic:latest", "sleep", "60").exitCode()).isZero();

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(status(api, key, vanishing)).isEqualTo("error");
                assertThat(DockerCli.run("inspect", orphan).exitCode()).as("orphan removed").isNotZero();
            });
            assertThat(reason(api, key, vanishing)).contains("vanished");
            assertThat(status(api, key, keeper)).isEqualTo("running");
        } finally {
            first.after();
        }

        // As if the server had been killed mid-create and mid-stop.
        String jdbcUrl = new DatabaseConfig(database, "sa", "").dataSourceFactory(data).getUrl();
        try (Connection db = DriverManager.getConnection(jdbcUrl, "sa", "")) {
            db.createStatement().executeUpdate("UPDATE sandboxes SET status = 'creating' WHERE id = '" + interrupted + "'");
            db.createStatement().executeUpdate("UPDATE sandboxes SET status = 'terminating' WHERE id = '" + stopping + "'");
        }
        DropwizardAppExtension<SandboxConfiguration> second = TestServer.create(database);
        second.before();
        try {
            ApiClient api = new ApiClient(second.getLocalPort());
            assertThat(status(api, key, interrupted)).isEqualTo("error");
            assertThat(reason(api, key, interrupted)).contains("interrupted");
            assertThat(status(api, key, stopping)).isEqualTo("terminated");
            assertThat(status(api, key, keeper)).isEqualTo("running");
            assertThat(DockerCli.containersLabelled("io.stateset.sandbox.install=" + install)).containsExactly(keeper);
            assertThat(api.post("/api/v1/sandbox/" + keeper + "/execute", Map.of("command", "echo still here"), "X-API-Key", key)
                    .text("/stdout")).isEqualTo("still here\n");
            api.post("/api/v1/sandbox/" + keeper + "/stop", "", "X-API-Key", key);
        } finally {
            second.after();
        }
    }

    private static String create(ApiClient api, String key) {
        return api.post("/api/v1/sandbox/create", Map.of(), "X-API-Key", key).text("/id");
    }

    private static String status(ApiClient api, String key, String id) {
        return api.get("/api/v1/sandbox/" + id, "X-API-Key", key).text("/status");
    }

    private static String reason(ApiClient api, String key, String id) {
        return api.get("/api/v1/sandbox/" + id, "X-API-Key", key).text("/status_reason");
    }
}
