package com.stateset.sandbox.server.api;

import static com.stateset.sandbox.server.api.AuthApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.Session;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Metrics from the runtime's counters (usage is sampled every second here), the delivery queue,
 * usage per sandbox, benchmarks kept in the database, and the pool's stats without a pool.
 */
@ExtendWith({RequireDocker.class, DropwizardExtensionsSupport.class})
class OperationsApiIT {

    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create();
    private static Session session;

    @BeforeAll
    static void register() {
        session = Session.register(APP.getLocalPort(), "Operations Org");
    }

    @AfterAll
    static void stop() {
        session.stopAll();
    }

    @Test
    void metricsShowWhatTheSandboxUsesNowOverTimeAndSummedUp() {
        String id = session.sandbox(Map.of("cpus", "1", "memory", "256Mi"));
        session.post("/api/v1/sandbox/" + id + "/execute", Map.of("command",
                "head -c 8000000 /dev/zero > /workspace/eight; timeout 3 sh -c 'while :; do :; done'; true", "timeout", 10_000));
        Reply current = session.get("/api/v1/sandbox/" + id + "/metrics");
        assertThat(current.status()).as(current.raw()).isEqualTo(200);
        JsonNode metrics = current.body().get("metrics");
        assertThat(Instant.parse(metrics.get("timestamp").asText())).isAfter(Instant.now().minusSeconds(30));
        assertThat(metrics.at("/cpu/limit").asDouble()).isEqualTo(1.0);
        assertThat(metrics.at("/cpu/usage").asDouble()).as("a busy loop since the last sample").isGreaterThan(0.1);
        assertThat(metrics.at("/cpu/percentage").asDouble()).isCloseTo(metrics.at("/cpu/usage").asDouble() * 100,
                org.assertj.core.api.Assertions.within(0.5));
        assertThat(metrics.at("/memory/limit").asLong()).isEqualTo(256L << 20);
        assertThat(metrics.at("/memory/usage").asLong()).isPositive();
        assertThat(metrics.at("/storage/usage").asLong()).isGreaterThanOrEqualTo(8_000_000);
        assertThat(metrics.at("/storage/limit").asLong()).isGreaterThan(metrics.at("/storage/usage").asLong());
        assertThat(metrics.at("/network/tx_bytes").asLong()).as("no network").isZero();

        await().atMost(Duration.ofSeconds(30)).until(() ->
                session.get("/api/v1/sandbox/" + id + "/metrics/history?limit=5").body().get("history").size() >= 3);
        JsonNode history = session.get("/api/v1/sandbox/" + id + "/metrics/history?limit=5").body().get("history");
        assertThat(history.size()).isBetween(3, 5);
        assertThat(Instant.parse(history.get(0).get("timestamp").asText()))
                .as("oldest first").isBefore(Instant.parse(history.get(history.size() - 1).get("timestamp").asText()));
        JsonNode summary = session.get("/api/v1/sandbox/" + id + "/metrics/summary").body().get("summary");
        assertThat(summary.get("samples").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(summary.get("duration").isIntegralNumber()).isTrue();
        assertThat(summary.at("/max/memory").asDouble()).isGreaterThanOrEqualTo(summary.at("/avg/memory").asDouble())
                .isGreaterThanOrEqualTo(summary.at("/min/memory").asDouble());
        assertThat(summary.at("/max/storage").asDouble()).isGreaterThanOrEqualTo(8_000_000);

        assertField(session.get("/api/v1/sandbox/" + id + "/metrics/history?limit=0"), 400, "limit");
        assertField(session.get("/api/v1/sandbox/" + id + "/metrics/history?limit=many"), 400, "limit");
        assertThat(session.get("/api/v1/sandbox/sbx_none/metrics").status()).isEqualTo(404);
        session.post("/api/v1/sandbox/" + id + "/stop", "");
        assertThat(session.get("/api/v1/sandbox/" + id + "/metrics").status()).as("not running").isEqualTo(409);
        assertThat(session.get("/api/v1/sandbox/" + id + "/metrics/history").body().get("history").size())
                .as("the history outlives the sandbox").isGreaterThanOrEqualTo(3);
        Session other = Session.register(APP.getLocalPort(), "Operations Other");
        assertThat(other.get("/api/v1/sandbox/" + id + "/metrics/summary").status()).isEqualTo(404);
    }

    @Test
    void aFreshSandboxHasNoSummaryYet() {
        Session fresh = Session.register(APP.getLocalPort(), "Operations Fresh");
        String id = fresh.sandbox(Map.of());
        fresh.post("/api/v1/sandbox/" + id + "/stop", "");
        Reply summary = fresh.get("/api/v1/sandbox/" + id + "/metrics/summary");
        assertThat(summary.status()).isEqualTo(200);
        assertThat(summary.body().has("summary")).isTrue();
    }

    @Test
    void queuePoolAndUsagePerSandboxAnswerForTheOrganization() {
        JsonNode queue = session.get("/api/v1/queue/health").body();
        assertThat(queue.get("status").asText()).isEqualTo("healthy");
        assertThat(queue.get("depth").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(queue.get("workers").asInt()).isPositive();

        JsonNode pool = session.get("/api/v1/pool/stats").body();
        assertThat(pool.get("enabled").asBoolean()).as("no pool in the test configuration").isFalse();
        assertThat(pool.get("total").asInt()).isZero();

        Session billed = Session.register(APP.getLocalPort(), "Operations Billed");
        String id = billed.sandbox(Map.of("cpus", "2"));
        billed.post("/api/v1/sandbox/" + id + "/stop", "");
        JsonNode usage = billed.get("/api/v1/usage/sandboxes").body();
        assertThat(usage.get("sandboxes")).hasSize(1);
        JsonNode one = usage.get("sandboxes").get(0);
        assertThat(one.get("sandbox_id").asText()).isEqualTo(id);
        assertThat(one.get("cpus").asText()).isEqualTo("2");
        assertThat(one.get("cpu_hours").asDouble()).isPositive();
        assertThat(one.get("estimated_cost_cents").isIntegralNumber()).isTrue();
        assertThat(usage.get("total_cost_cents").asLong()).isEqualTo(one.get("estimated_cost_cents").asLong());
        assertThat(billed.get("/api/v1/usage/sandboxes?start_date=2020-01-01&end_date=2020-01-31").body().get("sandboxes"))
                .isEmpty();
        assertField(billed.get("/api/v1/usage/sandboxes?start_date=yesterday"), 400, "start_date");
    }

    @Test
    void benchmarksRunRealSandboxesAndAreKept() {
        Session bench = Session.register(APP.getLocalPort(), "Operations Bench");
        Reply run = bench.get("/api/v1/benchmark?runs=2");
        assertThat(run.status()).as(run.raw()).isEqualTo(200);
        JsonNode result = run.body();
        assertThat(result.get("runs").asInt()).isEqualTo(2);
        assertThat(result.get("results")).hasSize(2);
        JsonNode sample = result.get("results").get(0);
        assertThat(sample.get("total_ms").asLong()).isEqualTo(sample.get("create_ms").asLong() + sample.get("first_command_ms").asLong());
        assertThat(result.at("/total_ms/median").asLong()).isPositive();
        assertThat(result.get("template").asText()).isEqualTo("python-basic");
        assertThat(bench.get("/api/v1/sandboxes?status=running").body().get("total").asInt()).as("stopped after").isZero();

        JsonNode history = bench.get("/api/v1/benchmark/history?limit=5").body();
        assertThat(history.get("total").asInt()).isEqualTo(1);
        assertThat(history.get("results").get(0).get("id").asText()).isEqualTo(result.get("id").asText());
        assertThat(bench.get("/api/v1/benchmark/history?region=eu-west-1").body().get("results")).isEmpty();
        JsonNode summary = bench.get("/api/v1/benchmark/summary").body();
        assertThat(summary.get("benchmarks").asInt()).isEqualTo(1);
        assertThat(summary.get("runs").asInt()).isEqualTo(2);
        assertThat(summary.at("/latest/id").asText()).isEqualTo(result.get("id").asText());
        assertThat(session.get("/api/v1/benchmark/history").body().get("total").asInt()).as("per organization").isZero();

        assertField(bench.get("/api/v1/benchmark?runs=0"), 400, "runs");
        assertField(bench.get("/api/v1/benchmark?runs=50"), 400, "runs");
        assertField(bench.get("/api/v1/benchmark?template=cobol"), 400, "template");
        assertField(bench.get("/api/v1/benchmark/history?days=0"), 400, "days");
    }

    @Test
    void anOrganizationRunsOneBenchmarkAtATime() {
        Session bench = Session.register(APP.getLocalPort(), "Operations Bench Twice");
        List<Future<Reply>> sent;
        try (ExecutorService both = Executors.newFixedThreadPool(2)) {
            sent = List.of(both.submit(() -> bench.get("/api/v1/benchmark?runs=3")),
                    both.submit(() -> bench.get("/api/v1/benchmark?runs=3")));
        } // waits for both
        List<Reply> replies = sent.stream().map(Future::resultNow).toList();
        assertThat(replies).extracting(Reply::status).as("two at once, each runs ~3 sandboxes").containsExactlyInAnyOrder(200, 409);
        assertThat(replies).filteredOn(r -> r.status() == 409).extracting(Reply::errorCode).containsExactly("BENCHMARK_RUNNING");
        assertThat(bench.get("/api/v1/benchmark/history").body().get("total").asInt()).isEqualTo(1);
        assertThat(bench.get("/api/v1/benchmark?runs=1").status()).as("free again once it ended").isEqualTo(200);
    }
}
