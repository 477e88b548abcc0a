package com.stateset.sandbox.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.testing.Infrastructure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TypeScript SDK ({@code sdk/typescript}, built by its module) against the server as an operator
 * runs it from the distribution: the SDK's whole suite with Node's test runner (its unit tests, its
 * live tests, and the product guide's examples compiled and run as written), then a client's calls
 * across a real stop and start of the server. Every operation of {@code docs/openapi.yaml} must have
 * been called through the SDK.
 */
class TypeScriptSdkIT {

    private static final Logger LOG = LoggerFactory.getLogger(TypeScriptSdkIT.class);
    private static final Path SDK = Path.of("../sdk/typescript").toAbsolutePath().normalize();
    /**
     * The live tests create more sandboxes at once than the free plan allows and send webhooks to a
     * receiver on loopback over http. The guide's first example runs {@code node} in a sandbox of the
     * default template, so the default here is node-basic (the quick start's is python-basic).
     */
    private static final String[] OPTIONS = {
        "-Ddw.auth.defaultPlan=enterprise",
        "-Ddw.webhooks.allowPrivateTargets=true",
        "-Ddw.webhooks.requireHttps=false",
        "-Ddw.defaultTemplate=node-basic",
    };

    @Test
    void everyCallWorksAndSurvivesARestart(@TempDir Path data, @TempDir Path restartData, @TempDir Path work) throws Exception {
        Path node = node();
        Path calls = work.resolve("calls.jsonl");
        try (ServerProcess server = ServerProcess.start(data, Map.of(), OPTIONS).awaitUp()) {
            String output = run(node, List.of("scripts/test.mjs"), Map.of("SANDBOX_URL", server.url(""), "SDK_CALLS_FILE", calls.toString()));
            LOG.info("the TypeScript SDK's tests:\n{}", tail(output));
            assertThat(server.output()).as("no API key in the server's logs").doesNotContain("sk-sandbox-");
        }

        try (ServerProcess server = ServerProcess.start(work.resolve("packed-data"), Map.of(), OPTIONS).awaitUp()) {
            installedFromTheTarball(node, work.resolve("app"), server.url(""));
        }

        int port = ServerProcess.freePort();
        Path marker = work.resolve("following");
        ServerProcess first = ServerProcess.startOn(port, restartData, Map.of(), OPTIONS).awaitUp();
        Process client = start(node, List.of("test/restart/restart.mjs"), Map.of("SANDBOX_URL", first.url(""),
                "SDK_RESTART_MARKER", marker.toString()), work.resolve("restart.log"));
        try {
            await().atMost(Duration.ofMinutes(2)).until(() -> Files.exists(marker) || !client.isAlive());
            assertThat(client.isAlive()).as("the client follows a process's output:%n%s", Files.readString(work.resolve("restart.log"))).isTrue();
            first.close();
            try (ServerProcess second = ServerProcess.startOn(port, restartData, Map.of(), OPTIONS).awaitUp()) {
                assertThat(client.waitFor(5, TimeUnit.MINUTES)).as("the client finished").isTrue();
                String output = Files.readString(work.resolve("restart.log"));
                assertThat(client.exitValue()).as("across the restart:%n%s%nserver:%n%s", output, tail(second.output())).isZero();
                LOG.info("{}", output.strip());
            }
        } finally {
            client.destroyForcibly();
            first.close();
        }

        List<String> made = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(calls)) {
            JsonNode call = json.readTree(line);
            made.add(call.get("method").asText() + " " + call.get("path").asText());
        }
        Set<String> missing = OpenApiOperations.notCalled(made);
        assertThat(missing).as("operations of docs/openapi.yaml never called through the SDK (of %d calls)", made.size()).isEmpty();
    }

    /**
     * The package the distribution ships, installed with npm into a new project, works there from
     * CommonJS and from an ES module (it has no dependencies, so npm needs no registry).
     */
    private static void installedFromTheTarball(Path node, Path app, String server) throws IOException, InterruptedException {
        Path tarball;
        try (var files = Files.list(ServerProcess.HOME.resolve("sdk"))) {
            tarball = files.filter(f -> f.toString().endsWith(".tgz")).findFirst().orElseThrow().toAbsolutePath();
        }
        Files.createDirectories(app);
        Files.writeString(app.resolve("package.json"), "{\"name\":\"app\",\"private\":true}");
        Process install = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--offline", tarball.toString())
                .directory(app.toFile()).redirectErrorStream(true).start();
        String installed = new String(install.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(install.waitFor()).as("npm install %s:%n%s", tarball, installed).isZero();
        Files.writeString(app.resolve("check.cjs"), """
                const { StateSetSandbox, NotFoundError } = require('@stateset/sandbox-sdk');
                new StateSetSandbox({ baseUrl: process.argv[2] }).health().then((h) => console.log('cjs', h.status));
                """);
        Files.writeString(app.resolve("check.mjs"), """
                import { StateSetSandboxExtended } from '@stateset/sandbox-sdk';
                const client = new StateSetSandboxExtended({ baseUrl: process.argv[2] });
                const { api_key } = await client.register({ email: `packed-${Date.now()}@example.com`, organization_name: 'Packed' });
                const templates = await new StateSetSandboxExtended({ baseUrl: process.argv[2], authToken: api_key.key }).listTemplates();
                console.log('esm', templates.length > 0);
                """);
        for (String script : List.of("check.cjs", "check.mjs")) {
            Process check = new ProcessBuilder(node.toString(), script, server).directory(app.toFile()).redirectErrorStream(true).start();
            String output = new String(check.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(check.waitFor()).as("%s:%n%s", script, output).isZero();
            assertThat(output.strip()).isIn("cjs healthy", "esm true");
        }
    }

    /** Node.js from the PATH, with the SDK built and the images the guide's examples use; a skip (a failure in CI) without. */
    private static Path node() throws IOException, InterruptedException {
        DistributionIT.requireDocker();
        Infrastructure.require(Files.exists(SDK.resolve("dist/esm/index.js")) && Files.isDirectory(SDK.resolve("node_modules")),
                "the TypeScript SDK built by its module (Node.js 18 or newer and npm on the PATH)");
        Process images = new ProcessBuilder("docker", "image", "inspect", "stateset-sandbox/node-basic:latest",
                "stateset-sandbox/python-data-science:latest").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Infrastructure.require(images.waitFor() == 0,
                "the node-basic and python-data-science images the guide's examples use (scripts/build-images node-basic python-data-science)");
        return Path.of("node");
    }

    private static String run(Path node, List<String> args, Map<String, String> env) throws IOException, InterruptedException {
        Path log = Files.createTempFile("sdk-typescript", ".log");
        Process process = start(node, args, env, log);
        if (!process.waitFor(30, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(process.exitValue()).as("node %s:%n%s", args, tail(output)).isZero();
        return output;
    }

    private static Process start(Path node, List<String> args, Map<String, String> env, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(node.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(SDK.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    private static String tail(String text) {
        return text.length() > 30_000 ? "..." + text.substring(text.length() - 30_000) : text;
    }
}
