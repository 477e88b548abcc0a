package com.stateset.sandbox.server.api;

import static com.stateset.sandbox.server.api.AuthApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;

import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.config.DatabaseConfig;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.ApiClient;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.Session;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
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
        byte[] masterKey = new byte[32];
        new SecureRandom().nextBytes(masterKey);
        ConfigOverride sealing = ConfigOverride.config("secrets.masterKey", Base64.getEncoder().encodeToString(masterKey));
        DropwizardAppExtension<SandboxConfiguration> app = TestServer.create(database, sealing);
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
            assertThat(keptBody(database, key)).as("kept sealed: answers may hold command output")
                    .startsWith("v1:").doesNotContain(first.text("/id"));

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
        DropwizardAppExtension<SandboxConfiguration> restarted = TestServer.create(database, sealing);
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

            // A conflict is the caller's to resolve, and the retry with the same key then runs.
            session.sh(sandbox, "touch /workspace/a /workspace/b");
            String moveKey = UUID.randomUUID().toString();
            Map<String, Object> move = Map.of("source", "/workspace/a", "destination", "/workspace/b");
            Reply conflict = post(session, "/api/v1/sandbox/" + sandbox + "/files/move", move, moveKey);
            assertThat(conflict.status()).as(conflict.raw()).isEqualTo(409);
            session.sh(sandbox, "rm /workspace/b");
            Reply moved = post(session, "/api/v1/sandbox/" + sandbox + "/files/move", move, moveKey);
            assertThat(moved.status()).as(moved.raw()).isEqualTo(200);
            assertThat(moved.headers().firstValue("Idempotent-Replayed")).isEmpty();
            session.stopAll();
        } finally {
            app.after();
        }
    }

    /** The body kept for {@code key}, as stored. */
    private static String keptBody(String database, String key) throws SQLException {
        String url = new DatabaseConfig(database, "sa", "").dataSourceFactory(Path.of("target")).getUrl();
        try (Connection db = DriverManager.getConnection(url, "sa", "");
                PreparedStatement query = db.prepareStatement("SELECT body FROM idempotency_keys WHERE idem_key = ?")) {
            query.setString(1, key);
            try (ResultSet rows = query.executeQuery()) {
                assertThat(rows.next()).as("a kept answer").isTrue();
                return rows.getString(1);
            }
        }
    }

    private static String read(HttpResponse<InputStream> response) throws Exception {
        try (InputStream body = response.body()) {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
