package com.stateset.sandbox.server.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.DockerCli;
import com.stateset.sandbox.server.testing.PrometheusSamples;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.Session;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The warm pool on the real engine: creates of the pooled shape claim a started sandbox, which
 * then belongs to its organization alone and is never pooled again; the pool refills; other shapes
 * start cold; pooled sandboxes that died are never handed out; pooled sandboxes survive
 * reconciliation, those of an earlier process do not, and a server that stops removes its idle ones.
 */
@ExtendWith(RequireDocker.class)
class WarmPoolIT {

    private static final String IDLE = "sandbox_pool_idle{template=\"python-basic\"}";
    private static final String HITS = "sandbox_pool_claims_total{outcome=\"hit\",template=\"python-basic\"}";

    @Test
    void createsClaimPooledSandboxesThatBelongToOneOrganizationAndThePoolRefills() throws Exception {
        DropwizardAppExtension<SandboxConfiguration> app = TestServer.create(
                ConfigOverride.config("warmPool.templates.python-basic", "2"),
                ConfigOverride.config("reconciler.intervalSeconds", "1"));
        app.before();
        String install;
        String leftover = null;
        try {
            awaitIdle(app, 2);
            Session acme = Session.register(app.getLocalPort(), "Pool Acme");
            Session other = Session.register(app.getLocalPort(), "Pool Other");

            var stats = acme.get("/api/v1/pool/stats").body();
            assertThat(stats.get("enabled").asBoolean()).isTrue();
            assertThat(stats.get("ready").asInt()).isEqualTo(2);
            assertThat(stats.get("target").asInt()).isEqualTo(2);
            assertThat(stats.at("/templates/python-basic/ready").asInt()).isEqualTo(2);
            assertThat(stats.get("total").asInt()).isEqualTo(stats.get("ready").asInt() + stats.get("creating").asInt());

            String first = acme.sandbox(Map.of("env", Map.of("GREETING", "hello from acme")));
            assertThat(label(first, WarmPool.TEMPLATE_LABEL)).as("it came from the pool").isEqualTo("python-basic");
            install = label(first, "io.stateset.sandbox.install");
            assertThat(acme.sh(first, "echo $GREETING; id -u")).isEqualTo("hello from acme\n1000\n");
            assertThat(acme.get("/api/v1/sandbox/" + first).text("/status")).isEqualTo("running");
            String second = other.sandbox(Map.of());
            assertThat(label(second, WarmPool.TEMPLATE_LABEL)).isEqualTo("python-basic");
            assertThat(other.sh(second, "echo ${GREETING:-unset}")).as("nothing of acme's").isEqualTo("unset\n");
            assertThat(other.get("/api/v1/sandbox/" + first).status()).as("acme's sandbox is not other's").isEqualTo(404);
            assertThat(PrometheusSamples.scrape(app.getAdminPort()).get(HITS)).isEqualTo(2.0);

            // Another shape starts cold and leaves the pool alone.
            String large = acme.sandbox(Map.of("memory", "1Gi"));
            assertThat(label(large, WarmPool.TEMPLATE_LABEL)).isEmpty();
            assertThat(label(large, "io.stateset.sandbox.id")).isEqualTo(large);

            // The pool refills; a claimed sandbox, once stopped, is removed, never pooled again.
            awaitIdle(app, 2);
            acme.post("/api/v1/sandbox/" + first + "/stop", "");
            assertThat(DockerCli.run("inspect", first).exitCode()).as("removed on stop").isNotZero();
            assertThat(pooledContainers(install)).hasSize(2).doesNotContain(first, second);

            // Pooled sandboxes that died while idle (the engine restarted, say) are never handed out.
            awaitIdle(app, 2);
            for (String dead : pooledContainers(install)) {
                assertThat(DockerCli.run("kill", dead).exitCode()).isZero();
            }
            String afterDeath = acme.sandbox(Map.of());
            assertThat(acme.sh(afterDeath, "echo alive")).isEqualTo("alive\n");
            acme.post("/api/v1/sandbox/" + afterDeath + "/stop", "");

            // Reconciliation (every second here) keeps the pool and removes what an earlier process left.
            leftover = "pool_leftover" + System.nanoTime();
            assertThat(DockerCli.run("create", "--name", leftover, "--label", "io.stateset.sandbox.install=" + install,
                    "--label", WarmPool.TEMPLATE_LABEL + "=python-basic", "stateset-sandbox/python-basic:latest", "sleep", "60")
                    .exitCode()).isZero();
            String gone = leftover;
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(DockerCli.run("inspect", gone).exitCode()).as("leftover removed").isNotZero());
            awaitIdle(app, 2);
            assertThat(pooledContainers(install)).hasSize(2);
            acme.stopAll();
            other.stopAll();
        } finally {
            app.after();
            if (leftover != null) {
                DockerCli.run("rm", "-f", leftover);
            }
        }
        assertThat(pooledContainers(install)).as("a stopped server leaves no idle pooled sandbox").isEmpty();
    }

    private static void awaitIdle(DropwizardAppExtension<SandboxConfiguration> app, int idle) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(PrometheusSamples.scrape(app.getAdminPort()).get(IDLE)).isEqualTo((double) idle));
    }

    /** Pooled sandboxes still waiting: pooled, and still under their pool name. */
    private static List<String> pooledContainers(String install) {
        return DockerCli.containersLabelled("io.stateset.sandbox.install=" + install).stream()
                .filter(name -> name.startsWith("pool_")).toList();
    }

    private static String label(String container, String label) {
        return DockerCli.run("inspect", "-f", "{{ index .Config.Labels \"" + label + "\" }}", container).output().strip();
    }
}
