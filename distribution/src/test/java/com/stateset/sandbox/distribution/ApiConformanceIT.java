package com.stateset.sandbox.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.stateset.sandbox.testing.Infrastructure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API as docs/openapi.yaml describes it, checked by schemathesis (PyPI; installed by
 * {@code scripts/install-schemathesis}) with all its checks against the server from the
 * distribution: generated requests valid and invalid by the document, sequences that follow its
 * responses, and methods it does not list. Every answer must be one the document gives, in the
 * shape it gives, and no server error. The few rules a JSON Schema cannot state are named, with the
 * answers they get, in {@code src/test/python/conformance/schemathesis.toml}; {@code hooks.py}
 * there keeps the run from reusing an idempotency key or revoking its own key.
 */
class ApiConformanceIT {

    private static final Logger LOG = LoggerFactory.getLogger(ApiConformanceIT.class);
    private static final Path CONFORMANCE = Path.of("src/test/python/conformance").toAbsolutePath();
    /**
     * The build's seed (distribution/pom.xml), so that a build passes or fails on the code alone;
     * {@code -Dconformance.seed=...} explores other requests, and none (from an IDE) a random seed.
     */
    private static final String SEED = System.getProperty("conformance.seed", "");
    /**
     * A plan without quotas but with sandboxes that end after two minutes, a rate limit the run
     * stays under, and webhook targets over http (the document allows both schemes).
     */
    private static final String[] OPTIONS = {
        "-Ddw.auth.defaultPlan=enterprise",
        "-Ddw.plans.enterprise.maxDurationSeconds=120",
        "-Ddw.auth.rateLimit.requestsPerSecond=1000",
        "-Ddw.auth.rateLimit.burst=2000",
        "-Ddw.webhooks.requireHttps=false",
        "-Ddw.webhooks.allowPrivateTargets=true",
    };

    @Test
    void everyAnswerIsOneTheDocumentGives(@TempDir Path data, @TempDir Path work) throws Exception {
        Path schemathesis = schemathesis();
        try (ServerProcess server = ServerProcess.start(data, Map.of(), OPTIONS).awaitUp()) {
            Http.Reply registered = Http.post(server.url("/api/v1/register"), null,
                    Map.of("email", "conformance@example.com", "organization_name", "Conformance"));
            assertThat(registered.status()).as(registered.body().toString()).isEqualTo(200);
            String key = registered.body().at("/api_key/key").asText();
            String keyId = Http.get(server.url("/api/v1/api-keys"), key).body().at("/api_keys/0/id").asText();

            Path log = work.resolve("schemathesis.log");
            List<String> command = new ArrayList<>(List.of(schemathesis.toString(),
                    "--config-file", CONFORMANCE.resolve("schemathesis.toml").toString(),
                    "run", server.url("/api/v1/openapi.json"),
                    "--url", server.url("/api/v1"),
                    "--header", "Authorization: ApiKey " + key,
                    "--checks", "all",
                    "--max-examples", "10",
                    "--workers", "1",
                    "--no-color"));
            if (!SEED.isBlank()) {
                command.addAll(List.of("--seed", SEED));
            }
            ProcessBuilder run = new ProcessBuilder(command)
                    .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            run.environment().putAll(Map.of(
                    "SCHEMATHESIS_HOOKS", "hooks",
                    "PYTHONPATH", CONFORMANCE.toString(),
                    "SANDBOX_CONFORMANCE_KEY_ID", keyId));
            Process process = run.start();
            if (!process.waitFor(20, TimeUnit.MINUTES)) {
                process.destroyForcibly();
            }
            String output = Files.readString(log);
            LOG.info("schemathesis: {}", summary(output));
            assertThat(process.exitValue()).as("schemathesis found answers the document does not give:%n%s", tail(output)).isZero();
            assertThat(server.output()).as("no API key in the server's logs").doesNotContain(key);
            deleteSandboxes(server, key);
        }
    }

    /**
     * The run's sandboxes, deleted while their server still runs: without it their expiry is not
     * enforced, and those claimed from the warm pool would keep running under the pool's deadline.
     */
    private static void deleteSandboxes(ServerProcess server, String key) {
        for (JsonNode sandbox : Http.get(server.url("/api/v1/sandboxes?limit=1000"), key).body().path("sandboxes")) {
            if (!sandbox.path("status").asText().equals("terminated")) {
                Http.Reply deleted = Http.delete(server.url("/api/v1/sandbox/" + sandbox.path("id").asText()), key);
                assertThat(deleted.status()).as(deleted.body().toString()).isIn(200, 404);
            }
        }
    }

    /** The schemathesis of {@code scripts/install-schemathesis}, or a skip (a failure in CI) saying how to get it. */
    private static Path schemathesis() {
        DistributionIT.requireDocker();
        String root = System.getenv().getOrDefault("SANDBOX_SCHEMATHESIS",
                System.getProperty("user.home") + "/.cache/stateset-sandbox/schemathesis");
        Path executable = Path.of(root, "bin", "schemathesis");
        Infrastructure.require(Files.isExecutable(executable), "schemathesis in " + root + " (scripts/install-schemathesis)");
        return executable;
    }

    /** The run's closing counts: "5410 generated, 5410 passed, 260 skipped | ==== 2 warnings in 381.76s ====". */
    private static String summary(String output) {
        return output.lines().filter(line -> line.contains(" generated, ") || line.matches("=+ .* in [0-9.]+s =+"))
                .map(String::strip).collect(Collectors.joining(" | "));
    }

    private static String tail(String text) {
        return text.length() > 30_000 ? "..." + text.substring(text.length() - 30_000) : text;
    }
}
