package com.stateset.sandbox.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.testing.Infrastructure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The published Python client, {@code stateset-sandbox} 2.1.0 and 1.0.4 from PyPI, unchanged,
 * against the server as an operator runs it from the distribution on its local default: the suite
 * in {@code src/test/python/published_client} runs in each version's virtualenv (made by
 * {@code scripts/install-published-clients}), and for 2.1.0 the server is restarted between two
 * phases, to show that the events stream resumes across a restart.
 */
class PublishedClientIT {

    private static final Logger LOG = LoggerFactory.getLogger(PublishedClientIT.class);
    private static final Path SUITE = Path.of("src/test/python/published_client");
    private static final String JWT_SECRET = "published-client-suite-0123456789abcdef";
    /** An unlimited plan: the suite creates more sandboxes than the free plan's two at once. */
    private static final String[] OPTIONS = {
        "-Ddw.auth.defaultPlan=enterprise",
        "-Ddw.auth.jwtSecret=" + JWT_SECRET,
        "-Ddw.webhooks.allowPrivateTargets=true",
        "-Ddw.webhooks.requireHttps=false",
    };

    @Test
    void version210WorksUnchanged(@TempDir Path data, @TempDir Path work) throws Exception {
        Path python = python("2.1.0");
        Path state = work.resolve("state.json");
        Path report = work.resolve("calls.json");
        try (ServerProcess server = ServerProcess.start(data, Map.of(), OPTIONS).awaitUp()) {
            pytest(python, server, "v2", null, state, report);
            pytest(python, server, "v2", "before_restart", state, work.resolve("before.json"));
        }
        try (ServerProcess server = ServerProcess.start(data, Map.of(), OPTIONS).awaitUp()) {
            pytest(python, server, "v2", "after_restart", state, work.resolve("after.json"));
            assertThat(server.output()).as("no API key in the logs, though the client sends it in a URL")
                    .doesNotContain("sk-sandbox-");
        }
        report(report, "2.1.0");
    }

    @Test
    void version104WorksUnchanged(@TempDir Path data, @TempDir Path work) throws Exception {
        Path python = python("1.0.4");
        Path report = work.resolve("calls.json");
        try (ServerProcess server = ServerProcess.start(data, Map.of(), OPTIONS).awaitUp()) {
            pytest(python, server, "v1", null, work.resolve("state.json"), report);
        }
        report(report, "1.0.4");
    }

    /** The virtualenv's python with the client version, or a skip (a failure in CI) saying how to make it. */
    private static Path python(String version) {
        DistributionIT.requireDocker();
        String root = System.getenv().getOrDefault("SANDBOX_PUBLISHED_CLIENTS",
                System.getProperty("user.home") + "/.cache/stateset-sandbox/published-clients");
        Path python = Path.of(root, version, "bin", "python");
        Infrastructure.require(Files.isExecutable(python),
                "stateset-sandbox " + version + " in " + python.getParent().getParent() + " (scripts/install-published-clients)");
        return python;
    }

    private static void pytest(Path python, ServerProcess server, String suite, String phase, Path state, Path report)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python.toString(), "-m", "pytest", SUITE.resolve(suite).toString(),
                "-q", "-p", "no:cacheprovider", "-rfE"));
        if (phase != null) {
            command.addAll(List.of("-m", phase));
        }
        Path log = Files.createTempFile("pytest-" + suite, ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(Map.of(
                "SANDBOX_URL", server.url(""),
                "SANDBOX_JWT_SECRET", JWT_SECRET,
                "SANDBOX_STATE_FILE", state.toString(),
                "SANDBOX_CALLS_REPORT", report.toString()));
        Process process = builder.start();
        if (!process.waitFor(20, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        LOG.info("pytest {} {}:\n{}", suite, phase == null ? "" : phase, tail(output));
        assertThat(process.exitValue()).as("pytest %s %s:%n%s%nserver:%n%s", suite, phase == null ? "" : phase, output,
                tail(server.output())).isZero();
    }

    /** Logs which of the client's calls the suite saw work; none may have failed. */
    private static void report(Path file, String version) throws IOException {
        JsonNode report = new ObjectMapper().readTree(file.toFile());
        assertThat(report.get("failed")).as("calls that failed with " + version).isEmpty();
        LOG.info("stateset-sandbox {}: {} calls work: {}", version, report.get("passed").size(), report.get("passed"));
    }

    private static String tail(String text) {
        return text.length() > 20_000 ? "..." + text.substring(text.length() - 20_000) : text;
    }
}
