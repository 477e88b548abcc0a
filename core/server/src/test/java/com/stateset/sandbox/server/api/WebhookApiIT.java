package com.stateset.sandbox.server.api;

import static com.stateset.sandbox.server.api.AuthApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.events.RecordingEventSinkFactory;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.Session;
import com.stateset.sandbox.server.testing.TestServer;
import com.stateset.sandbox.testing.WebhookReceiver;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Events through the outbox to signed webhooks, against a real HTTP receiver started by the test. */
@ExtendWith({RequireDocker.class, DropwizardExtensionsSupport.class})
class WebhookApiIT {

    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SECRET = "receiver-secret-0123456789";
    private static Session session;
    private WebhookReceiver receiver;

    @BeforeAll
    static void register() {
        session = Session.register(APP.getLocalPort(), "Webhook Org");
    }

    @AfterAll
    static void cleanUp() {
        session.stopAll();
    }

    @BeforeEach
    void startReceiver() {
        receiver = WebhookReceiver.start();
    }

    @AfterEach
    void stopReceiver() {
        for (JsonNode webhook : session.get("/api/v1/webhooks").body().get("webhooks")) {
            session.delete("/api/v1/webhooks/" + webhook.get("id").asText());
        }
        receiver.close();
    }

    @Test
    void sandboxLifecycleEventsArriveSignedInOrder() throws Exception {
        Reply created = webhook(Map.of("url", receiver.url("/hooks"), "secret", SECRET, "headers", Map.of("X-Team", "agents")));
        assertThat(created.status()).as(created.raw()).isEqualTo(200);
        assertThat(created.text("/id")).startsWith("wh_");
        assertThat(created.text("/events")).isEqualTo("*");
        assertThat(created.text("/secret")).isEqualTo(SECRET);
        assertThat(created.body().get("enabled").asBoolean()).isTrue();
        assertThat(session.get("/api/v1/webhooks").raw()).doesNotContain(SECRET).doesNotContain("agents");

        String sandbox = session.sandbox(Map.of());
        session.sh(sandbox, "echo hi");
        session.post("/api/v1/sandbox/" + sandbox + "/execute", Map.of("command", "exit 3"));
        session.post("/api/v1/sandbox/" + sandbox + "/files", Map.of("files", List.of(Map.of("path", "a.txt", "content", "aGk="))));
        session.post("/api/v1/sandbox/" + sandbox + "/stop", "");

        List<String> expected = List.of("sandbox.created", "sandbox.ready", "command.started", "command.completed",
                "command.started", "command.failed", "file.written", "sandbox.stopped");
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() >= expected.size());
        List<WebhookReceiver.Received> got = receiver.received();
        assertThat(got).extracting(r -> event(r).get("event").asText()).containsExactlyInAnyOrderElementsOf(expected);
        for (WebhookReceiver.Received request : got) {
            JsonNode body = event(request);
            assertThat(body.get("id").asText()).startsWith("evt_");
            assertThat(body.get("sandboxId").asText()).isEqualTo(sandbox);
            assertThat(body.get("orgId").asText()).startsWith("org_");
            assertThat(body.get("timestamp").asText()).endsWith("Z");
            assertThat(body.get("data").isObject()).isTrue();
            assertThat(request.header("Content-Type")).startsWith("application/json");
            assertThat(request.header("X-Team")).isEqualTo("agents");
            assertThat(request.header("X-Sandbox-Signature")).isEqualTo("sha256=" + HexFormat.of().formatHex(
                    hmac(SECRET.getBytes(StandardCharsets.UTF_8), request.body())));
            assertThat(request.header("webhook-id")).isEqualTo(body.get("id").asText());
            String signed = request.header("webhook-id") + "." + request.header("webhook-timestamp") + "." + request.body();
            assertThat(request.header("webhook-signature"))
                    .isEqualTo("v1," + Base64.getEncoder().encodeToString(hmac(SECRET.getBytes(StandardCharsets.UTF_8), signed)));
        }
        JsonNode failed = got.stream().map(WebhookReceiver.Received::body).map(WebhookApiIT::json)
                .filter(b -> b.get("event").asText().equals("command.failed")).findFirst().orElseThrow();
        assertThat(failed.at("/data/exitCode").asInt()).isEqualTo(3);
        assertThat(got.stream().map(WebhookReceiver.Received::body)).noneMatch(b -> b.contains("exit 3"))
                .as("commands themselves are never in events");

        JsonNode deliveries = session.get("/api/v1/webhooks/" + created.text("/id") + "/deliveries").body().get("deliveries");
        assertThat(deliveries).hasSize(expected.size());
        assertThat(deliveries).allSatisfy(d -> {
            assertThat(d.get("status").asText()).isEqualTo("delivered");
            assertThat(d.get("attempts").asInt()).isEqualTo(1);
            assertThat(d.get("response_status").asInt()).isEqualTo(200);
            assertThat(d.get("id").asText()).startsWith("dlv_");
        });
        assertThat(RecordingEventSinkFactory.EVENTS).extracting(e -> e.sandboxId())
                .as("the sink a plugin provides gets every event too").contains(sandbox);
    }

    @Test
    void everyKindOfChangeIsReported() {
        webhook(Map.of("url", receiver.url("/all")));
        String sandbox = session.sandbox(Map.of("timeout_seconds", 600));
        session.sh(sandbox, "echo data > report.txt");
        String checkpoint = session.post("/api/v1/sandbox/" + sandbox + "/checkpoints", Map.of("name", "one")).text("/id");
        session.post("/api/v1/sandbox/" + sandbox + "/checkpoints/restore", Map.of("checkpoint_id", checkpoint));
        String clone = session.post("/api/v1/checkpoints/" + checkpoint + "/clone", Map.of("name", "two")).text("/id");
        session.delete("/api/v1/checkpoints/" + clone);
        String artifact = session.post("/api/v1/sandbox/" + sandbox + "/artifacts/upload", Map.of("path", "report.txt")).text("/id");
        session.delete("/api/v1/artifacts/" + artifact);
        session.post("/api/v1/sandbox/" + sandbox + "/execute", Map.of("command", "python3 -c 'x = bytearray(2 << 30)'"));
        session.sh(sandbox, "head -c 100M /dev/zero > /workspace/fill 2>/dev/null; true");
        session.post("/api/v1/sandbox/" + sandbox + "/files", Map.of("files", List.of(Map.of("path", "more.txt", "content", "aGk="))));
        String expiring = session.sandbox(Map.of("timeout_seconds", 1));

        List<String> expected = List.of("checkpoint.created", "checkpoint.restored", "checkpoint.cloned", "checkpoint.deleted",
                "artifact.uploaded", "artifact.deleted", "resource.critical", "resource.warning", "sandbox.timeout");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(receiver.received("/all"))
                .extracting(r -> event(r).get("event").asText()).containsAll(expected));
        JsonNode timeout = receiver.received("/all").stream().map(WebhookApiIT::event)
                .filter(e -> e.get("event").asText().equals("sandbox.timeout")).findFirst().orElseThrow();
        assertThat(timeout.get("sandboxId").asText()).isEqualTo(expiring);
        JsonNode uploaded = receiver.received("/all").stream().map(WebhookApiIT::event)
                .filter(e -> e.get("event").asText().equals("artifact.uploaded")).findFirst().orElseThrow();
        assertThat(uploaded.at("/data/artifactId").asText()).isEqualTo(artifact);
        session.post("/api/v1/sandbox/" + sandbox + "/stop", "");
    }

    @Test
    void failuresAreRetriedWithBackoffHonouringRetryAfter() {
        receiver.reply(WebhookReceiver.Reply.status(500),
                new WebhookReceiver.Reply(503, Map.of("Retry-After", "2"), Duration.ZERO),
                new WebhookReceiver.Reply(302, Map.of("Location", receiver.url("/elsewhere")), Duration.ZERO));
        String id = webhook(Map.of("url", receiver.url("/flaky"), "events", List.of("sandbox.created"), "retry_count", 5,
                "retry_delay_ms", 200)).text("/id");
        String sandbox = session.sandbox(Map.of());

        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received("/flaky").size() == 4);
        List<WebhookReceiver.Received> attempts = receiver.received("/flaky");
        assertThat(attempts).extracting(r -> r.header("webhook-id")).as("one event, the same id each time").containsOnly(
                attempts.get(0).header("webhook-id"));
        assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(Duration.between(attempts.get(1).at(), attempts.get(2).at())).as("Retry-After: 2")
                .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        assertThat(receiver.received("/elsewhere")).as("redirects are not followed").isEmpty();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode delivery = session.get("/api/v1/webhooks/" + id + "/deliveries").body().get("deliveries").get(0);
            assertThat(delivery.get("status").asText()).isEqualTo("delivered");
            assertThat(delivery.get("attempts").asInt()).isEqualTo(4);
            assertThat(delivery.get("attempt_history")).extracting(a -> a.get("response_status").asInt())
                    .containsExactly(500, 503, 302, 200);
        });
        session.post("/api/v1/sandbox/" + sandbox + "/stop", "");
    }

    @Test
    void aHangingReceiverTimesOutAndIsRetried() {
        receiver.reply(new WebhookReceiver.Reply(200, Map.of(), Duration.ofSeconds(5)));
        String id = webhook(Map.of("url", receiver.url("/slow"), "events", List.of("sandbox.created"), "timeout_ms", 500,
                "retry_delay_ms", 100)).text("/id");
        String sandbox = session.sandbox(Map.of());
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode delivery = session.get("/api/v1/webhooks/" + id + "/deliveries").body().get("deliveries").get(0);
            assertThat(delivery.get("status").asText()).isEqualTo("delivered");
            assertThat(delivery.at("/attempt_history/0/error").asText()).containsIgnoringCase("timeout");
        });
        session.post("/api/v1/sandbox/" + sandbox + "/stop", "");
    }

    @Test
    void gone410DisablesTheWebhook() {
        receiver.reply(WebhookReceiver.Reply.status(410));
        String id = webhook(Map.of("url", receiver.url("/gone"), "events", List.of("sandbox.created"))).text("/id");
        String first = session.sandbox(Map.of());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode webhook = session.get("/api/v1/webhooks").body().get("webhooks").get(0);
            assertThat(webhook.get("enabled").asBoolean()).isFalse();
            assertThat(webhook.get("disabled_reason").asText()).contains("410");
        });
        String second = session.sandbox(Map.of());
        JsonNode deliveries = session.get("/api/v1/webhooks/" + id + "/deliveries").body().get("deliveries");
        assertThat(deliveries).hasSize(1);
        assertThat(deliveries.get(0).get("status").asText()).isEqualTo("failed");
        assertThat(receiver.received("/gone")).hasSize(1);
        session.post("/api/v1/sandbox/" + first + "/stop", "");
        session.post("/api/v1/sandbox/" + second + "/stop", "");
    }

    @Test
    void aReceiverDownForTheWholeRetryWindowEndsFailedAndVisible() throws Exception {
        String down = "http://127.0.0.1:" + closedPort() + "/down";
        String id = webhook(Map.of("url", down, "events", List.of("sandbox.created"), "retry_count", 2, "retry_delay_ms", 100))
                .text("/id");
        String sandbox = session.sandbox(Map.of());
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode delivery = session.get("/api/v1/webhooks/" + id + "/deliveries").body().get("deliveries").get(0);
            assertThat(delivery.get("status").asText()).isEqualTo("failed");
            assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
            assertThat(delivery.get("event").asText()).isEqualTo("sandbox.created");
            assertThat(delivery.get("error").asText()).isNotBlank();
        });
        Reply test = session.post("/api/v1/webhooks/" + id + "/test", "");
        assertThat(test.status()).isEqualTo(200);
        assertThat(test.body().get("success").asBoolean()).isFalse();
        assertThat(test.text("/error")).isNotBlank();
        session.post("/api/v1/sandbox/" + sandbox + "/stop", "");
    }

    @Test
    void oneOrganizationsSlowReceiverDoesNotHoldUpAnothersDeliveries() {
        // More hanging deliveries than the server has delivery slots (32), all for one organization.
        for (int i = 0; i < 40; i++) {
            receiver.reply(new WebhookReceiver.Reply(200, Map.of(), Duration.ofSeconds(30)));
        }
        webhook(Map.of("url", receiver.url("/slow"), "events", List.of("command.started", "command.completed"),
                "timeout_ms", 60_000));
        String sandbox = session.sandbox(Map.of());
        for (int i = 0; i < 20; i++) {
            session.sh(sandbox, "true");
        }
        Session other = Session.register(APP.getLocalPort(), "Patient Org");
        try (WebhookReceiver fast = WebhookReceiver.start()) {
            other.post("/api/v1/webhooks", Map.of("url", fast.url("/fast"), "events", List.of("sandbox.created")));
            String theirs = other.sandbox(Map.of());
            await().atMost(Duration.ofSeconds(20)).until(() -> fast.received("/fast").size() == 1);
            assertThat(receiver.received("/slow").size()).as("the slow receiver's organization is held to its share")
                    .isLessThanOrEqualTo(8);
            other.post("/api/v1/sandbox/" + theirs + "/stop", "");
        }
        session.post("/api/v1/sandbox/" + sandbox + "/stop", "");
    }

    @Test
    void theTestEndpointSendsASignedTestEventAtOnce() {
        String id = webhook(Map.of("url", receiver.url("/test"), "secret", SECRET)).text("/id");
        Reply test = session.post("/api/v1/webhooks/" + id + "/test", "");
        assertThat(test.status()).as(test.raw()).isEqualTo(200);
        assertThat(test.body().get("success").asBoolean()).isTrue();
        assertThat(test.body().get("status_code").asInt()).isEqualTo(200);
        assertThat(test.body().get("duration_ms").asLong()).isNotNegative();
        WebhookReceiver.Received request = receiver.received("/test").get(0);
        assertThat(event(request).get("event").asText()).isEqualTo("webhook.test");
    }

    @Test
    void badWebhooksAreRefusedNamingTheField() {
        assertField(webhook(Map.of()), 400, "url");
        assertField(webhook(Map.of("url", "not a url")), 400, "url");
        assertField(webhook(Map.of("url", "ftp://example.com/x")), 400, "url");
        for (String refused : List.of("http://169.254.169.254/latest/meta-data", "http://[::ffff:127.0.0.1]/x",
                "http://[fe80::1]/x", "http://0.0.0.0/x")) {
            Reply reply = webhook(Map.of("url", refused));
            assertField(reply, 400, "url");
        }
        Reply unknown = webhook(Map.of("url", receiver.url("/x"), "events", List.of("sandbox.exploded")));
        assertField(unknown, 400, "events");
        assertThat(unknown.body().at("/error/details/allowed")).extracting(JsonNode::asText).contains("sandbox.ready", "mcp.stopped");
        assertField(webhook(Map.of("url", receiver.url("/x"), "retry_count", 11)), 400, "retry_count");
        assertField(webhook(Map.of("url", receiver.url("/x"), "timeout_ms", 0)), 400, "timeout_ms");
        assertField(webhook(Map.of("url", receiver.url("/x"), "secret", "short")), 400, "secret");
        assertField(webhook(Map.of("url", receiver.url("/x"), "headers", Map.of("X-Sandbox-Signature", "forged"))), 400,
                "headers.X-Sandbox-Signature");
        assertField(webhook(Map.of("url", receiver.url("/x"), "headers", Map.of("X-Bad", "a\r\nInjected: yes"))), 400,
                "headers.X-Bad");

        String id = webhook(Map.of("url", receiver.url("/x"))).text("/id");
        Session stranger = Session.register(APP.getLocalPort(), "Webhook Stranger");
        assertThat(stranger.get("/api/v1/webhooks").body().get("webhooks")).isEmpty();
        assertThat(stranger.delete("/api/v1/webhooks/" + id).status()).isEqualTo(404);
        assertThat(stranger.post("/api/v1/webhooks/" + id + "/test", "").status()).isEqualTo(404);
        assertThat(stranger.get("/api/v1/webhooks/" + id + "/deliveries").status()).isEqualTo(404);
        assertThat(session.delete("/api/v1/webhooks/" + id).status()).isEqualTo(200);
        assertThat(session.delete("/api/v1/webhooks/" + id).status()).isEqualTo(404);
    }

    private static Reply webhook(Map<String, Object> body) {
        return session.post("/api/v1/webhooks", body);
    }

    private static JsonNode event(WebhookReceiver.Received request) {
        return json(request.body());
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int closedPort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
