package com.stateset.sandbox.server.api;

import static com.stateset.sandbox.server.api.AuthApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.ApiClient;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.DockerCli;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.Session;
import com.stateset.sandbox.server.testing.TestServer;
import com.stateset.sandbox.testing.Infrastructure;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the current clients ask of a sandbox's life: isolation, extension, forks and promotions,
 * templates by id, and the request shapes they send.
 */
@ExtendWith({RequireDocker.class, DropwizardExtensionsSupport.class})
class SandboxLifetimeIT {

    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create();
    private static Session session;

    @BeforeAll
    static void register() {
        session = Session.register(APP.getLocalPort(), "Lifetime Org");
    }

    @AfterAll
    static void stop() {
        session.stopAll();
    }

    private static boolean gvisorOffered() {
        return DockerCli.run("info", "--format", "{{json .Runtimes}}").output().contains("runsc");
    }

    /**
     * The engine's end is the server's longest lifetime, not the plan's (free: 300 s): a plan
     * upgraded later lets extend go further, and the engine's deadline could not follow.
     */
    @Test
    void theEnginesDeadlineIsTheServersLongestLifetime() {
        Reply created = session.post("/api/v1/sandbox/create", Map.of("template", "python-basic"));
        assertThat(created.status()).as(created.raw()).isEqualTo(200);
        String args = DockerCli.run("inspect", "--format", "{{range .Args}}{{println .}}{{end}}", created.text("/id")).output();
        long deadline = Long.parseLong(args.strip().lines().reduce((first, last) -> last).orElseThrow());
        long createdAt = Instant.parse(created.text("/created_at")).getEpochSecond();
        assertThat(deadline - createdAt).isBetween((long) APP.getConfiguration().limits().maxTimeoutSeconds(),
                APP.getConfiguration().limits().maxTimeoutSeconds() + 2L);
    }

    /**
     * A sandbox outlives no server: stopped past the sandbox's longest lifetime (here the server's
     * 6 seconds), the server finds it ended by the engine when it comes back, and says it expired.
     */
    @Test
    void aSandboxEndsAtItsLongestLifetimeWhileTheServerIsDown() throws Exception {
        String database = TestServer.memoryDatabase();
        ConfigOverride shortLives = ConfigOverride.config("limits.maxTimeoutSeconds", "6");
        DropwizardAppExtension<SandboxConfiguration> app = TestServer.create(database, shortLives);
        app.before();
        String key;
        String id;
        try {
            Session owner = Session.register(app.getLocalPort(), "Deadline Org");
            key = owner.key();
            id = owner.sandbox(Map.of("timeout_seconds", 6));
            assertThat(owner.sh(id, "echo alive")).isEqualTo("alive\n");
        } finally {
            app.after();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(DockerCli.run("inspect", "--format", "{{.State.Running}}", id).output().strip()).isEqualTo("false"));

        DropwizardAppExtension<SandboxConfiguration> restarted = TestServer.create(database, shortLives);
        restarted.before();
        try {
            ApiClient api = new ApiClient(restarted.getLocalPort());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Reply sandbox = api.get("/api/v1/sandbox/" + id, "X-API-Key", key);
                assertThat(sandbox.text("/status")).isEqualTo("terminated");
                assertThat(sandbox.text("/status_reason")).startsWith("expired");
            });
            Reply run = api.post("/api/v1/sandbox/" + id + "/execute", Map.of("command", "echo alive"), "X-API-Key", key);
            assertThat(run.status()).as(run.raw()).isEqualTo(409);
        } finally {
            restarted.after();
        }
    }

    @Test
    void createAcceptsTheCurrentClientsFieldsAndRefusesWhatThisInstallationLacks() {
        Reply created = session.post("/api/v1/sandbox/create", Map.of("template", "python-basic", "isolation", "container",
                "image", "stateset-sandbox/python-basic:latest", "a_field_of_a_newer_client", List.of(1, 2)));
        assertThat(created.status()).as(created.raw()).isEqualTo(200);
        assertThat(created.text("/isolation")).isEqualTo("container");
        assertThat(created.text("/image")).isEqualTo("stateset-sandbox/python-basic:latest");

        Reply microvm = session.post("/api/v1/sandbox/create", Map.of("isolation", "microvm"));
        assertField(microvm, 400, "isolation");
        assertThat(microvm.text("/error/message")).contains("microvm").contains("container");
        assertThat(microvm.body().at("/error/details/allowed")).extracting(JsonNode::asText).contains("container");
        assertField(session.post("/api/v1/sandbox/create", Map.of("isolation", "wasm")), 400, "isolation");
        Reply image = session.post("/api/v1/sandbox/create", Map.of("image", "alpine:latest"));
        assertField(image, 400, "image");
        assertThat(image.body().at("/error/details/allowed")).extracting(JsonNode::asText)
                .contains("stateset-sandbox/python-basic:latest", "stateset-sandbox/node-basic:latest");
        assertField(session.post("/api/v1/sandbox/create", Map.of("desktop_os", "ubuntu")), 400, "desktop_os");
        assertField(session.post("/api/v1/sandbox/create", Map.of("isolation", 7)), 400, "isolation");
        assertField(session.post("/api/v1/sandbox/create", Map.of("timeout_seconds", "soon", "unknown", true)), 400, "timeout_seconds");

        Reply alias = session.api().post("/api/v1/sandbox", Map.of("template", "node-basic"), "x-api-key", session.key());
        assertThat(alias.status()).as("the async client's path and header").isEqualTo(200);
        assertThat(alias.text("/template")).isEqualTo("node-basic");
    }

    @Test
    void aGvisorSandboxRunsUnderGvisor() {
        Infrastructure.require(gvisorOffered(), "gVisor (runsc) registered in the Docker engine");
        Reply created = session.post("/api/v1/sandbox/create", Map.of("isolation", "gvisor"));
        assertThat(created.status()).as(created.raw()).isEqualTo(200);
        assertThat(created.text("/isolation")).isEqualTo("gvisor");
        assertThat(session.sh(created.text("/id"), "dmesg 2>&1 | head -1")).contains("gVisor");
    }

    @Test
    void extendMovesTheExpiryWithinTheLongestLifetime() {
        Reply created = session.post("/api/v1/sandbox/create", Map.of("timeout_seconds", 600));
        String id = created.text("/id");
        Instant expires = Instant.parse(created.text("/expires_at"));

        JsonNode status = session.get("/api/v1/sandbox/" + id + "/status").body();
        assertThat(status.get("sandbox_id").asText()).isEqualTo(id);
        assertThat(status.get("max_lifetime_seconds").asLong()).isEqualTo(86_400);
        assertThat(Instant.parse(status.get("max_expires_at").asText()))
                .isEqualTo(Instant.parse(created.text("/created_at")).plusSeconds(86_400));
        assertThat(status.get("remaining_extend_seconds").asLong()).isEqualTo(86_400 - 600);
        assertThat(status.get("lifetime_used_percent").asDouble()).isBetween(0.0, 1.0);

        Reply extended = session.post("/api/v1/sandbox/" + id + "/extend", Map.of("additional_seconds", 120));
        assertThat(extended.status()).as(extended.raw()).isEqualTo(200);
        assertThat(Instant.parse(extended.text("/expires_at"))).isEqualTo(expires.plusSeconds(120));
        assertThat(extended.text("/sandbox_id")).isEqualTo(id);

        Reply tooFar = session.post("/api/v1/sandbox/" + id + "/extend", Map.of("additional_seconds", 86_400));
        assertField(tooFar, 400, "additional_seconds");
        assertThat(tooFar.body().at("/error/details/remaining_extend_seconds").asLong()).isEqualTo(86_400 - 720);
        assertField(session.post("/api/v1/sandbox/" + id + "/extend", Map.of()), 400, "additional_seconds");
        assertField(session.post("/api/v1/sandbox/" + id + "/extend", Map.of("additional_seconds", 0)), 400, "additional_seconds");
        assertField(session.post("/api/v1/sandbox/" + id + "/extend", Map.of("additional_seconds", "more")), 400,
                "additional_seconds");

        session.post("/api/v1/sandbox/" + id + "/stop", "");
        assertThat(session.post("/api/v1/sandbox/" + id + "/extend", Map.of("additional_seconds", 60)).status()).isEqualTo(409);
        assertThat(session.post("/api/v1/sandbox/sbx_none/extend", Map.of("additional_seconds", 60)).status()).isEqualTo(404);
    }

    @Test
    void forkCopiesTheWorkspaceAndEnvironmentIntoANewSandbox() {
        String parent = session.sandbox(Map.of("env", Map.of("STAGE", "one"), "cpus", "0.5"));
        session.sh(parent, "echo state > /workspace/state.txt");
        Reply forked = session.post("/api/v1/sandbox/" + parent + "/fork", Map.of("memory", "300Mi", "checkpoint_name", "before-risk"));
        assertThat(forked.status()).as(forked.raw()).isEqualTo(200);
        String child = forked.text("/forked_id");
        assertThat(forked.text("/parent_id")).isEqualTo(parent);
        assertThat(child).startsWith("sbx_").isNotEqualTo(parent);
        assertThat(forked.text("/sandbox/status")).isEqualTo("running");
        assertThat(forked.text("/sandbox/cpus")).as("the parent's unless overridden").isEqualTo("0.5");
        assertThat(forked.text("/sandbox/memory")).isEqualTo("300Mi");
        assertThat(session.sh(child, "cat /workspace/state.txt; echo $STAGE")).isEqualTo("state\none\n");
        Reply checkpoint = session.get("/api/v1/checkpoints/" + forked.text("/checkpoint_id"));
        assertThat(checkpoint.text("/name")).isEqualTo("before-risk");
        assertThat(checkpoint.text("/sandbox_id")).isEqualTo(parent);
        assertThat(session.get("/api/v1/sandbox/" + parent).text("/status")).as("the parent runs on").isEqualTo("running");

        int checkpoints = session.get("/api/v1/checkpoints").body().get("checkpoints").size();
        Reply refused = session.post("/api/v1/sandbox/" + parent + "/fork", Map.of("memory", "64Gi"));
        assertField(refused, 400, "memory");
        assertThat(session.get("/api/v1/checkpoints").body().get("checkpoints")).as("nothing left of a refused fork")
                .hasSize(checkpoints);
        assertField(session.post("/api/v1/sandbox/" + parent + "/fork", Map.of("isolation", "microvm")), 400, "isolation");
    }

    @Test
    void promoteMovesASandboxToAnotherIsolation() {
        Reply unknown = session.post("/api/v1/sandbox/sbx_whatever/promote", Map.of("target_isolation", "microvm"));
        assertField(unknown, 400, "target_isolation");
        assertThat(unknown.text("/error/message")).contains("offers");
        assertField(session.post("/api/v1/sandbox/sbx_whatever/promote", Map.of()), 400, "target_isolation");
        Infrastructure.require(gvisorOffered(), "gVisor (runsc) registered in the Docker engine");

        String source = session.sandbox(Map.of());
        session.sh(source, "echo kept > /workspace/kept.txt");
        Reply promoted = session.post("/api/v1/sandbox/" + source + "/promote", Map.of("target_isolation", "gvisor"));
        assertThat(promoted.status()).as(promoted.raw()).isEqualTo(200);
        String target = promoted.text("/promoted_id");
        assertThat(promoted.text("/source_id")).isEqualTo(source);
        assertThat(promoted.text("/isolation")).isEqualTo("gvisor");
        assertThat(promoted.body().get("source_stopped").asBoolean()).isTrue();
        assertThat(session.sh(target, "cat /workspace/kept.txt; dmesg 2>&1 | head -1")).startsWith("kept\n").contains("gVisor");
        assertThat(session.get("/api/v1/sandbox/" + source).text("/status")).isEqualTo("terminated");

        String kept = session.sandbox(Map.of());
        Reply copy = session.post("/api/v1/sandbox/" + kept + "/promote", Map.of("target_isolation", "gvisor", "stop_source", false));
        assertThat(copy.body().get("source_stopped").asBoolean()).isFalse();
        assertThat(session.get("/api/v1/sandbox/" + kept).text("/status")).isEqualTo("running");
    }

    @Test
    void templatesHaveIdsCategoriesAndConfigsAndCreateASandboxById() {
        JsonNode listing = session.get("/api/v1/templates").body().get("templates");
        JsonNode python = listing.get(0);
        assertThat(python.get("id").asText()).isEqualTo("python-basic");
        assertThat(python.get("name").asText()).isEqualTo("python-basic");
        assertThat(python.get("category").asText()).isNotBlank();
        assertThat(python.at("/config/cpus").asText()).isEqualTo("1");
        assertThat(python.at("/config/memory").asText()).isEqualTo("256Mi");
        assertThat(python.at("/config/timeout_seconds").asInt()).isEqualTo(300);
        assertThat(python.get("image").asText()).as("the older shape too").isEqualTo("stateset-sandbox/python-basic:latest");

        assertThat(session.get("/api/v1/templates/node-basic").text("/id")).isEqualTo("node-basic");
        Reply missing = session.get("/api/v1/templates/cobol-basic");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorCode()).isEqualTo("TEMPLATE_NOT_FOUND");
        assertThat(session.get("/api/v1/templates?search=node").body().get("templates")).hasSize(1);
        assertThat(session.get("/api/v1/templates?category=no-such-category").body().get("templates")).isEmpty();

        Reply created = session.post("/api/v1/sandbox/create-from-template", Map.of("template_id", "node-basic",
                "timeout_seconds", 120, "env", Map.of("MODE", "test"), "override_cpus", "0.5", "override_memory", "128Mi"));
        assertThat(created.status()).as(created.raw()).isEqualTo(200);
        assertThat(created.text("/template")).isEqualTo("node-basic");
        assertThat(created.text("/cpus")).isEqualTo("0.5");
        assertThat(created.text("/memory")).isEqualTo("128Mi");
        assertThat(Duration.between(Instant.parse(created.text("/created_at")), Instant.parse(created.text("/expires_at"))))
                .isEqualTo(Duration.ofSeconds(120));
        assertThat(session.sh(created.text("/id"), "node -e 'console.log(process.env.MODE)'")).isEqualTo("test\n");

        assertField(session.post("/api/v1/sandbox/create-from-template", Map.of()), 400, "template_id");
        assertField(session.post("/api/v1/sandbox/create-from-template", Map.of("template_id", "cobol-basic")), 400, "template_id");
        assertField(session.post("/api/v1/sandbox/create-from-template", Map.of("template_id", "node-basic",
                "override_cpus", "lots")), 400, "cpus");
    }

    @Test
    void executeReadsCwdAndReportsTruncationUnderBothNames() {
        String id = session.sandbox(Map.of());
        Reply cwd = session.post("/api/v1/sandbox/" + id + "/execute", Map.of("command", "pwd", "cwd", "/tmp"));
        assertThat(cwd.text("/stdout")).isEqualTo("/tmp\n");
        assertThat(cwd.body().get("output_truncated").asBoolean()).isFalse();
        Reply big = session.post("/api/v1/sandbox/" + id + "/execute", Map.of("command", "head -c 2000000 /dev/zero"));
        assertThat(big.body().get("truncated").asBoolean()).isTrue();
        assertThat(big.body().get("output_truncated").asBoolean()).isTrue();
        assertField(session.post("/api/v1/sandbox/" + id + "/execute", Map.of("command", "pwd", "cwd", "tmp")), 400, "cwd");
    }
}
