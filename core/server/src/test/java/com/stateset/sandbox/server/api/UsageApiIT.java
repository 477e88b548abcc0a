package com.stateset.sandbox.server.api;

import static com.stateset.sandbox.server.api.AuthApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.Session;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Usage and cost from the sandboxes that ran: vCPU-hours and GB-hours, egress, creations, the rates of API.md. */
@ExtendWith({RequireDocker.class, DropwizardExtensionsSupport.class})
class UsageApiIT {

    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create();

    @Test
    void aSandboxThatRanIsMeteredByItsCpusAndMemory() throws Exception {
        Session session = Session.register(APP.getLocalPort(), "Usage Org");
        String sandbox = session.sandbox(Map.of("cpus", "2", "memory", "500Mi"));
        Thread.sleep(1500);
        session.post("/api/v1/sandbox/" + sandbox + "/stop", "");
        JsonNode row = session.get("/api/v1/sandbox/" + sandbox).body();
        double hours = Duration.between(Instant.parse(row.get("started_at").asText()),
                Instant.parse(row.get("ended_at").asText())).toMillis() / 3_600_000.0;

        JsonNode current = session.get("/api/v1/usage/current").body();
        assertThat(current.get("sandbox_creations").asInt()).isEqualTo(1);
        assertThat(current.get("cpu_hours").asDouble()).isCloseTo(2 * hours, within(1e-5));
        assertThat(current.get("memory_gb_hours").asDouble()).isCloseTo(500 * 1024 * 1024 / 1e9 * hours, within(1e-5));
        assertThat(current.get("network_gb").asDouble()).isZero();
        JsonNode breakdown = current.get("breakdown");
        assertThat(breakdown.properties()).as("whole cents, as clients read them")
                .allSatisfy(part -> assertThat(part.getValue().isIntegralNumber()).isTrue());
        assertThat(breakdown.get("cpu_cents").asLong()).isEqualTo(Math.round(current.get("cpu_hours").asDouble() * 5));
        assertThat(breakdown.get("memory_cents").asLong()).isEqualTo(Math.round(current.get("memory_gb_hours").asDouble() * 2));
        assertThat(current.get("estimated_cost_cents").isIntegralNumber()).isTrue();
        assertThat(current.get("estimated_cost_cents").asLong()).isEqualTo(breakdown.get("cpu_cents").asLong()
                + breakdown.get("memory_cents").asLong() + breakdown.get("network_cents").asLong()
                + breakdown.get("storage_cents").asLong());
        assertThat(current.get("period_start").asText()).endsWith("-01T00:00:00Z");

        JsonNode hourly = session.get("/api/v1/usage/history?granularity=hourly").body();
        assertThat(hourly.get("granularity").asText()).isEqualTo("hourly");
        assertThat(hourly.get("data")).hasSize(24);
        double cpuHours = 0;
        int creations = 0;
        for (JsonNode bucket : hourly.get("data")) {
            cpuHours += bucket.get("cpu_hours").asDouble();
            creations += bucket.get("sandbox_creations").asInt();
        }
        assertThat(cpuHours).isCloseTo(2 * hours, within(1e-5));
        assertThat(creations).isEqualTo(1);
        assertThat(session.get("/api/v1/usage/history?granularity=daily&start_date=2026-01-01&end_date=2026-01-31")
                .body().get("data")).hasSize(31);

        assertField(session.get("/api/v1/usage/history?granularity=weekly"), 400, "granularity");
        assertField(session.get("/api/v1/usage/history?start_date=yesterday"), 400, "start_date");
        assertField(session.get("/api/v1/usage/history?granularity=hourly&start_date=2026-01-01&end_date=2026-03-01"), 400,
                "start_date");
        assertThat(Session.register(APP.getLocalPort(), "Idle Org").get("/api/v1/usage/current").body()
                .get("cpu_hours").asDouble()).as("another organization's usage is its own").isZero();
    }

    @Test
    void egressIsMeteredWhileASandboxRunsAndCountedToItsEnd() {
        Session session = Session.register(APP.getLocalPort(), "Egress Org");
        String sandbox = session.sandbox(Map.of("network", true));
        send(session, sandbox, 2000);
        // The periodic reading (every second in the test configuration) meters a running sandbox.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                session.get("/api/v1/usage/current").body().get("network_gb").asDouble()).isGreaterThanOrEqualTo(0.002));
        // What is sent just before a stop is read as the sandbox is removed.
        send(session, sandbox, 3000);
        session.post("/api/v1/sandbox/" + sandbox + "/stop", "");

        JsonNode current = session.get("/api/v1/usage/current").body();
        double gb = current.get("network_gb").asDouble();
        assertThat(gb).isGreaterThanOrEqualTo(0.005).isLessThan(0.006);
        assertThat(current.at("/breakdown/network_cents").asLong()).isEqualTo(Math.round(gb * 10));
        double hourly = 0;
        for (JsonNode bucket : session.get("/api/v1/usage/history?granularity=hourly").body().get("data")) {
            hourly += bucket.get("network_gb").asDouble();
        }
        assertThat(hourly).as("spread over the hours it ran, adding up to the whole").isCloseTo(gb, within(1e-5));

        String offline = session.sandbox(Map.of("network", false));
        session.post("/api/v1/sandbox/" + offline + "/stop", "");
        assertThat(session.get("/api/v1/usage/current").body().get("network_gb").asDouble()).isEqualTo(gb);
    }

    /** {@code datagrams} 1,000-byte UDP datagrams to a documentation address (sent, never answered). */
    private static void send(Session session, String sandbox, int datagrams) {
        String script = "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                + "for _ in range(" + datagrams + "): s.sendto(b'x' * 1000, ('192.0.2.1', 9))\n";
        JsonNode result = session.post("/api/v1/sandbox/" + sandbox + "/execute",
                Map.of("command", List.of("python3", "-c", script))).body();
        assertThat(result.get("exit_code").asInt()).as(result.toString()).isZero();
    }
}
