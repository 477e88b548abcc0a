package com.stateset.sandbox.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.stateset.sandbox.server.SandboxApplication;
import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.DockerCli;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.Session;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The plan's sandbox limits: concurrency under parallel creates, the monthly count, the longest lifetime. */
@ExtendWith({RequireDocker.class, DropwizardExtensionsSupport.class})
class PlanQuotaIT {

    private static final String DATABASE = TestServer.memoryDatabase();
    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create(DATABASE,
            ConfigOverride.config("auth.defaultPlan", "free"),
            ConfigOverride.config("plans.free.concurrentSandboxes", "2"),
            ConfigOverride.config("plans.free.sandboxesPerMonth", "4"),
            ConfigOverride.config("plans.free.maxDurationSeconds", "60"),
            ConfigOverride.config("plans.team.concurrentSandboxes", "50"));

    @Test
    void limitsHoldUnderParallelCreatesAndAnOperatorCanChangeThePlan() throws Exception {
        Session session = Session.register(APP.getLocalPort(), "Quota Plan Org");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<Reply>> creates = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            creates.add(pool.submit(() -> session.post("/api/v1/sandbox/create", Map.of("timeout_seconds", 3600))));
        }
        List<Reply> replies = new ArrayList<>();
        for (Future<Reply> create : creates) {
            replies.add(create.get());
        }
        pool.shutdown();
        List<Reply> created = replies.stream().filter(r -> r.status() == 200).toList();
        List<Reply> refused = replies.stream().filter(r -> r.status() != 200).toList();
        assertThat(created).hasSize(2);
        assertThat(refused).hasSize(4).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.errorCode()).isEqualTo("QUOTA_EXCEEDED");
            assertThat(r.body().at("/error/details/limit").asInt()).isEqualTo(2);
            assertThat(r.body().at("/error/details/quota").asText()).isEqualTo("concurrent_sandboxes");
        });
        String org = created.get(0).text("/org_id");
        assertThat(DockerCli.containersLabelled("io.stateset.sandbox.org=" + org)).as("no container for a refused create").hasSize(2);

        JsonNode first = created.get(0).body();
        assertThat(Duration.between(Instant.parse(first.get("created_at").asText()), Instant.parse(first.get("expires_at").asText())))
                .as("timeout_seconds clamped to the plan's longest lifetime").isEqualTo(Duration.ofSeconds(60));

        JsonNode subscription = session.get("/api/v1/billing/subscription").body();
        assertThat(subscription.at("/subscription/plan").asText()).isEqualTo("free");
        assertThat(subscription.at("/subscription/concurrent_sandboxes").asInt()).isEqualTo(2);
        assertThat(subscription.at("/subscription/sandboxes_this_period").asInt()).isEqualTo(2);
        assertThat(subscription.get("plan").asText()).as("the plan's name, as clients read it").isEqualTo("free");
        assertThat(subscription.at("/subscription/id").asText()).startsWith("sub_");
        assertThat(subscription.at("/subscription/cancel_at_period_end").isBoolean()).isTrue();
        assertThat(subscription.at("/limits/concurrent_sandboxes").asInt()).isEqualTo(2);
        assertThat(subscription.at("/limits/sandboxes_per_month").asInt()).isEqualTo(4);

        session.post("/api/v1/sandbox/" + created.get(0).text("/id") + "/stop", "");
        String third = session.sandbox(Map.of());
        session.post("/api/v1/sandbox/" + third + "/stop", "");
        session.sandbox(Map.of());
        session.post("/api/v1/sandbox/" + created.get(1).text("/id") + "/stop", "");
        Reply fifth = session.post("/api/v1/sandbox/create", Map.of());
        assertThat(fifth.status()).as(fifth.raw()).isEqualTo(402);
        assertThat(fifth.body().at("/error/details/quota").asText()).isEqualTo("sandboxes_per_month");

        Path config = Files.createTempFile("set-plan", ".yml");
        Files.writeString(config, String.join("\n",
                "database: {url: \"" + DATABASE + "\"}",
                "runtime: {type: docker}",
                "templates: [{name: python-basic, image: x, cpus: \"1\", memory: 256Mi}]",
                "plans: {free: {}, team: {}}",
                ""));
        new SandboxApplication().run("set-plan", "--org", org, "--plan", "team", config.toString());
        assertThat(session.get("/api/v1/billing/subscription").body().at("/subscription/plan").asText()).isEqualTo("team");
        assertThat(session.post("/api/v1/sandbox/create", Map.of()).status()).as("the team plan has no monthly limit here")
                .isEqualTo(200);
        session.stopAll();
    }
}
