package com.stateset.sandbox.server.api;

import static com.stateset.sandbox.server.api.AuthApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;

import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.ApiClient;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.Session;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Idempotency-Key on POSTs: the first answer again, after a restart too; never a second sandbox. */
@ExtendWith(RequireDocker.class)
class IdempotencyIT {

    private static Reply post(Session session, String path, Object body, String key) {
        return session.api().post(path, body, "X-API-Key", session.key(), "Idempotency-Key", key);
    }

    @Test
    void aRetriedPostGetsTheFirstAnswerAndDoesItsWorkOnceEvenAcrossARestart() throws Exception {
        String database = TestServer.memoryDatabase();
        DropwizardAppExtension<SandboxConfiguration> app = TestServer.create(database);
        app.before();
        String key = UUID.randomUUID().toString();
        String apiKey;
        Reply first;
        try {
            Session session = Session.register(app.getLocalPort(), "Idempotent Org");
            apiKey = session.key();
            first = post(session, "/api/v1/sandbox/create", Map.of("env", Map.of("RUN", "once")), key);
            assertThat(first.status()).as(first.raw()).isEqualTo(200);
            assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
            Reply again = post(session, "/api/v1/sandbox/create", Map.of("env", Map.of("RUN", "once")), key);
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.raw()).isEqualTo(first.raw());
            assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            assertThat(session.get("/api/v1/sandboxes").body().get("total").asInt()).as("one sandbox").isEqualTo(1);

            Reply otherBody = post(session, "/api/v1/sandbox/create", Map.of("env", Map.of("RUN", "twice")), key);
            assertThat(otherBody.status()).isEqualTo(422);
            assertThat(otherBody.errorCode()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
            Reply otherPath = post(session, "/api/v1/sandbox/" + first.text("/id") + "/stop", Map.of("env", Map.of("RUN", "once")), key);
            assertThat(otherPath.status()).as("same key on another endpoint").isEqualTo(422);

            Session stranger = Session.register(app.getLocalPort(), "Idempotent Stranger");
            Reply theirs = post(stranger, "/api/v1/sandbox/create", Map.of("env", Map.of("RUN", "once")), key);
            assertThat(theirs.status()).as("keys belong to an organization").isEqualTo(200);
            assertThat(theirs.text("/id")).isNotEqualTo(first.text("/id"));
            stranger.stopAll();
        } finally {
            app.after();
        }
        DropwizardAppExtension<SandboxConfiguration> restarted = TestServer.create(database);
        restarted.before();
        try {
            ApiClient api = new ApiClient(restarted.getLocalPort());
            Reply afterRestart = api.post("/api/v1/sandbox/create", Map.of("env", Map.of("RUN", "once")),
                    "X-API-Key", apiKey, "Idempotency-Key", key);
            assertThat(afterRestart.raw()).isEqualTo(first.raw());
            assertThat(afterRestart.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            api.post("/api/v1/sandbox/" + first.text("/id") + "/stop", "", "X-API-Key", apiKey);
        } finally {
            restarted.after();
        }
    }

    @Test
    void aRepeatWhileTheFirstRunsIsToldToWaitAndStreamsAreReplayedWhole() throws Exception {
        DropwizardAppExtension<SandboxConfiguration> app = TestServer.create();
        app.before();
        try {
            Session session = Session.register(app.getLocalPort(), "Idempotent Streams");
            String sandbox = session.sandbox(Map.of());
            String execute = "/api/v1/sandbox/" + sandbox + "/execute";
            String key = UUID.randomUUID().toString();
            Map<String, Object> slow = Map.of("command", "sleep 2; echo slept");
            CompletableFuture<Reply> running = CompletableFuture.supplyAsync(() -> post(session, execute, slow, key));
            Thread.sleep(700);
            Reply meanwhile = post(session, execute, slow, key);
            assertThat(meanwhile.status()).isEqualTo(409);
            assertThat(meanwhile.errorCode()).isEqualTo("IDEMPOTENCY_KEY_IN_USE");
            assertThat(meanwhile.headers().firstValue("Retry-After")).hasValue("1");
            Reply done = running.get();
            assertThat(done.text("/stdout")).isEqualTo("slept\n");
            assertThat(post(session, execute, slow, key).raw()).isEqualTo(done.raw());

            String streamKey = UUID.randomUUID().toString();
            Map<String, Object> counting = Map.of("command", "for i in 1 2 3; do echo $i >> /workspace/count; echo $i; done",
                    "stream", true);
            String streamed = read(session.api().stream(execute, counting, "X-API-Key", session.key(), "Idempotency-Key", streamKey));
            HttpResponse<InputStream> replay = session.api().stream(execute, counting, "X-API-Key", session.key(),
                    "Idempotency-Key", streamKey);
            assertThat(replay.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
            assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            assertThat(read(replay)).isEqualTo(streamed).contains("\"type\":\"exit\"").endsWith("data: {\"type\":\"done\"}\n\n");
            assertThat(session.sh(sandbox, "cat /workspace/count")).as("the command ran once").isEqualTo("1\n2\n3\n");

            assertField(post(session, execute, slow, ""), 400, "Idempotency-Key");
            assertField(post(session, execute, slow, "has space"), 400, "Idempotency-Key");
            assertField(post(session, execute, slow, "x".repeat(256)), 400, "Idempotency-Key");
            Reply refused = post(session, execute, Map.of("command", 42), "bad-input-" + UUID.randomUUID());
            assertField(refused, 400, "command");
            session.stopAll();
        } finally {
            app.after();
        }
    }

    private static String read(HttpResponse<InputStream> response) throws Exception {
        try (InputStream body = response.body()) {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
