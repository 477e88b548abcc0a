package com.stateset.sandbox.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.stateset.sandbox.testing.Infrastructure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tarball's tree, run as an operator runs it: bin/sandbox server, the bundled plugin, the default config. */
class DistributionIT {

    @Test
    void theTarballHoldsTheRunnableTree() throws IOException {
        assertThat(Path.of(System.getProperty("sandbox.tarball"))).isRegularFile();
        Path home = ServerProcess.HOME;
        assertThat(home.resolve("bin/sandbox")).isExecutable();
        assertThat(home.resolve("config/sandbox.yml")).isRegularFile();
        assertThat(home.resolve("config/production.yml")).isRegularFile();
        assertThat(home.resolve("plugins/README.md")).isRegularFile();
        Path agent = home.resolve("agent/stateset-agent");
        assertThat(agent).as("the in-sandbox agent, static").isExecutable();
        Process version = new ProcessBuilder(agent.toString(), "version").redirectErrorStream(true).start();
        assertThat(new String(version.getInputStream().readAllBytes()).strip()).isEqualTo(System.getProperty("project.version"));
        for (String plugin : List.of("docker-runtime", "k8s-runtime", "storage-s3", "storage-gcs")) {
            assertThat(home.resolve("plugins").resolve(plugin).resolve("plugin.properties")).isRegularFile();
        }
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            List<String> jars = lib.map(p -> p.getFileName().toString()).toList();
            assertThat(jars).anyMatch(j -> j.startsWith("sandbox-server-")).anyMatch(j -> j.startsWith("sandbox-spi-"))
                    .noneMatch(j -> j.startsWith("plugin-docker-runtime")).noneMatch(j -> j.startsWith("docker-java"));
        }
        try (Stream<Path> pluginLib = Files.list(home.resolve("plugins/docker-runtime/lib"))) {
            assertThat(pluginLib.map(p -> p.getFileName().toString()))
                    .anyMatch(j -> j.startsWith("docker-java-core"))
                    .noneMatch(j -> j.startsWith("sandbox-spi"))
                    .noneMatch(j -> j.startsWith("slf4j-api"));
        }
    }

    @Test
    void quickstartWorksFromTheUnpackedTree(@TempDir Path data) throws Exception {
        requireDocker();
        String orgId;
        try (ServerProcess server = ServerProcess.start(data, Map.of()).awaitUp()) {
            assertThat(server.output()).contains("StateSet Sandbox is listening on http://127.0.0.1:" + server.port)
                    .contains("/api/v1/register").contains("loaded plugin docker-runtime").contains("loaded plugin k8s-runtime")
                    .contains("loaded plugin storage-s3").contains("loaded plugin storage-gcs");
            Http.Reply health = Http.get(server.url("/health"), null);
            assertThat(health.status()).isEqualTo(200);
            Http.Reply registered = Http.post(server.url("/api/v1/register"), null,
                    Map.of("email", "ops@example.com", "organization_name", "Ops"));
            String key = registered.body().at("/api_key/key").asText();
            orgId = registered.body().at("/organization/id").asText();
            Http.Reply created = Http.post(server.url("/api/v1/sandbox/create"), key,
                    Map.of("template", "python-basic", "env", Map.of("DATABASE_PASSWORD", "hunter2-secret")));
            assertThat(created.status()).isEqualTo(200);
            String id = created.body().get("id").asText();
            Http.Reply run = Http.post(server.url("/api/v1/sandbox/" + id + "/execute"), key, Map.of("command", "python3 -c 'print(2+2)'"));
            assertThat(run.body().get("stdout").asText()).isEqualTo("4\n");
            Http.Reply parent = Http.post(server.url("/api/v1/sandbox/" + id + "/execute"), key,
                    Map.of("command", "tr '\\0' ' ' < /proc/$PPID/cmdline"));
            assertThat(parent.body().get("stdout").asText()).as("run by the agent the tarball ships").isEqualTo("/.stateset/stateset-agent keeper ");

            Http.post(server.url("/api/v1/sandbox/" + id + "/execute"), key, Map.of("command", "echo '{\"answer\": 4}' > result.json"));
            Http.Reply artifact = Http.post(server.url("/api/v1/sandbox/" + id + "/artifacts/upload"), key, Map.of("path", "result.json"));
            assertThat(artifact.status()).isEqualTo(200);
            String url = Http.get(server.url("/api/v1/artifacts/" + artifact.body().get("id").asText() + "/url"), key)
                    .body().get("url").asText();
            assertThat(url).startsWith(server.url("/files/artifacts/"));
            assertThat(Http.get(url, null).body().get("answer").asInt()).as("the local store's presigned URL, no key").isEqualTo(4);
            assertThat(data.resolve("storage/objects/artifacts")).as("objects under the data directory").isDirectory();
            assertThat(Http.post(server.url("/api/v1/sandbox/" + id + "/stop"), key, Map.of()).status()).isEqualTo(200);
            assertThat(data.resolve("sandbox.mv.db")).as("H2 file database under the data directory").isRegularFile();
            assertThat(server.output()).as("request log with request ids").contains("\"X-Request-Id\":\"req_")
                    .as("no key in the logs").doesNotContain(key).doesNotContain(key.substring(15))
                    .as("no environment value in the logs").doesNotContain("hunter2-secret");
        }
        // The operator moves the organization to another plan (with the server stopped: H2 is single-process).
        ServerProcess.Finished moved = ServerProcess.command(data, "set-plan", "--org", orgId, "--plan", "pro");
        assertThat(moved.exitCode()).as(moved.output()).isZero();
        assertThat(moved.output()).contains("organization " + orgId + " is now on the pro plan");
        ServerProcess.Finished unknown = ServerProcess.command(data, "set-plan", "--org", orgId, "--plan", "platinum");
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.output()).contains("set-plan: --plan: 'platinum' is not one of the configured plans")
                .doesNotContain("Exception");
    }

    @Test
    void aBrokenPluginStopsTheStartWithAClearMessage(@TempDir Path data, @TempDir Path plugins) throws Exception {
        Files.writeString(plugins.resolve("broken-plugin.jar"), "not a jar at all");
        try (ServerProcess server = ServerProcess.start(data, Map.of("SANDBOX_PLUGINS_DIR", plugins.toString()))) {
            assertThat(server.awaitExit(Duration.ofSeconds(90))).isNotZero();
            String output = server.output();
            assertThat(output).contains("stateset-sandbox cannot start:")
                    .contains("cannot load plugins from " + plugins)
                    .contains("broken-plugin.jar: not a valid jar or zip")
                    .doesNotContain("\tat ").doesNotContain("Exception in thread");
        }
    }

    @Test
    void anUnknownRuntimeTypeListsTheInstalledTypes(@TempDir Path data) throws Exception {
        try (ServerProcess server = ServerProcess.start(data, Map.of(), "-Ddw.runtime.type=firecracker")) {
            assertThat(server.awaitExit(Duration.ofSeconds(90))).isNotZero();
            assertThat(server.output()).contains("runtime.type: unknown type 'firecracker'; installed types are [docker, kubernetes]")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void anInvalidSettingIsNamedWithoutAStackTrace(@TempDir Path data) throws Exception {
        try (ServerProcess server = ServerProcess.start(data, Map.of(), "-Ddw.limits.maxCpus=lots")) {
            assertThat(server.awaitExit(Duration.ofSeconds(90))).isNotZero();
            assertThat(server.output()).contains("stateset-sandbox cannot start:").contains("limits.maxCpus")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void noTemplatesAtAllStopTheStartWithTheReason(@TempDir Path data) throws Exception {
        try (ServerProcess server = ServerProcess.start(data, Map.of(), "-Ddw.catalog.enabled=false")) {
            assertThat(server.awaitExit(Duration.ofSeconds(90))).isNotZero();
            assertThat(server.output()).contains("stateset-sandbox cannot start:")
                    .contains("templates: none; list some, or turn the catalog on (catalog.enabled)")
                    .doesNotContain("\tat ");
        }
    }

    static void requireDocker() {
        try {
            Process info = new ProcessBuilder("docker", "image", "inspect", "stateset-sandbox/python-basic:latest")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Infrastructure.require(info.waitFor() == 0, "a Docker engine with stateset-sandbox/python-basic:latest");
        } catch (IOException e) {
            Infrastructure.require(false, "the docker command");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
