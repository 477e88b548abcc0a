package com.stateset.sandbox.server.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.Session;
import com.stateset.sandbox.server.testing.TestPaths;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The example third-party plugin (examples/event-sink-plugin), built outside the reactor against
 * the installed SPI artifact, loads into a real server as a jar and receives its events.
 */
@ExtendWith({RequireDocker.class, DropwizardExtensionsSupport.class})
class ExamplePluginIT {

    private static final Path EVENTS = temporaryDirectory().resolve("events/all.jsonl");
    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create(TestServer.memoryDatabase(),
            TestPaths.pluginsDirectoryWithExample(),
            ConfigOverride.config("events.sinks[0].type", "jsonl-file"),
            ConfigOverride.config("events.sinks[0].config.path", EVENTS.toString()));
    private static Session session;

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("example-sink");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void cleanUp() {
        if (session != null) {
            session.stopAll();
        }
    }

    @Test
    void itsSinkWritesEveryEventOfTheInstallationAsAJsonLine() {
        session = Session.register(APP.getLocalPort(), "Example Plugin Org");
        String sandbox = session.sandbox(Map.of());
        session.sh(sandbox, "echo hi");

        ObjectMapper mapper = new ObjectMapper();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(EVENTS).exists();
            List<JsonNode> events = Files.readAllLines(EVENTS).stream().map(line -> {
                try {
                    return mapper.readTree(line);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
            assertThat(events).filteredOn(e -> sandbox.equals(e.path("sandboxId").asText()))
                    .extracting(e -> e.get("event").asText())
                    .contains("sandbox.created", "sandbox.ready", "command.started", "command.completed");
            assertThat(events).allSatisfy(e -> assertThat(e.get("id").asText()).startsWith("evt_"));
        });
    }
}
