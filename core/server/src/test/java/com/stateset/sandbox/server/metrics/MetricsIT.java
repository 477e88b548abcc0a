package com.stateset.sandbox.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.ApiClient;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.PrometheusSamples;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.Session;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Metrics in the Prometheus format: scraped from the admin port without a credential, absent from the API's port. */
@ExtendWith({RequireDocker.class, DropwizardExtensionsSupport.class})
class MetricsIT {

    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create();
    private static Session session;

    @BeforeAll
    static void register() {
        session = Session.register(APP.getLocalPort(), "Metrics Org");
    }

    @AfterAll
    static void cleanUp() {
        session.stopAll();
    }

    @Test
    void createsAndCommandsShowOnTheAdminPort() {
        String sandbox = session.sandbox(Map.of());
        assertThat(session.sh(sandbox, "echo hi")).isEqualTo("hi\n");
        assertThat(session.post("/api/v1/sandbox/" + sandbox + "/execute", Map.of("command", "exit 3")).text("/exit_code"))
                .isEqualTo("3");
        assertThat(session.post("/api/v1/sandbox/" + sandbox + "/execute", Map.of("command", "sleep 30", "timeout", 1000))
                .text("/timed_out")).isEqualTo("true");

        ApiClient admin = new ApiClient(APP.getAdminPort());
        Reply scrape = admin.get("/metrics");
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type.replace(" ", "")).startsWith("text/plain").contains("version=0.0.4"));
        String text = scrape.raw();
        assertThat(text).contains("# TYPE sandbox_create_duration_seconds histogram",
                "# TYPE sandbox_create_failures_total counter",
                "# TYPE sandbox_exec_duration_seconds histogram",
                "# TYPE sandbox_exec_total counter",
                "# TYPE sandbox_sandboxes gauge",
                "# TYPE sandbox_webhook_backlog gauge");
        Map<String, Double> samples = PrometheusSamples.parse(text);
        assertThat(samples.get("sandbox_create_duration_seconds_count{source=\"template\",start=\"cold\"}")).isGreaterThanOrEqualTo(1);
        assertThat(samples.get("sandbox_create_duration_seconds_bucket{source=\"template\",start=\"cold\",le=\"+Inf\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(samples).containsEntry("sandbox_create_failures_total{source=\"template\",start=\"cold\"}", 0.0);
        assertThat(samples.get("sandbox_exec_duration_seconds_count")).isGreaterThanOrEqualTo(3);
        assertThat(samples.get("sandbox_exec_total{outcome=\"completed\"}")).isGreaterThanOrEqualTo(1);
        assertThat(samples.get("sandbox_exec_total{outcome=\"failed\"}")).isGreaterThanOrEqualTo(1);
        assertThat(samples.get("sandbox_exec_total{outcome=\"timed_out\"}")).isGreaterThanOrEqualTo(1);
        assertThat(samples.get("sandbox_sandboxes{status=\"running\"}")).isGreaterThanOrEqualTo(1);
        assertThat(samples).containsKeys("sandbox_sandboxes{status=\"terminated\"}", "sandbox_webhook_backlog");
        assertThat(samples.keySet()).anyMatch(name -> name.startsWith("jvm_memory_used_bytes{area=\"heap\"}"))
                .anyMatch(name -> name.startsWith("jvm_threads_current"))
                .anyMatch(name -> name.startsWith("jvm_gc_collection_seconds_count"));
        String orgId = session.get("/api/v1/sandbox/" + sandbox).text("/org_id");
        assertThat(text).as("no tenant's ids in labels").doesNotContain(orgId, sandbox);

        Reply openMetrics = admin.get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0");
        assertThat(openMetrics.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/openmetrics-text"));
        assertThat(openMetrics.raw()).contains("# UNIT sandbox_exec_duration_seconds seconds").endsWith("# EOF\n");

        assertThat(admin.get("/metrics.json").body().has("gauges")).as("Dropwizard's metrics, as JSON").isTrue();
        assertThat(new ApiClient(APP.getLocalPort()).get("/metrics").status()).as("not on the API's port").isEqualTo(404);
    }
}
