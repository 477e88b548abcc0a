package com.stateset.sandbox.server.api;

import static com.stateset.sandbox.server.api.AuthApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.Session;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The audit log of API.md, end to end: each test is its own organization, so its log holds only its calls. */
@ExtendWith({RequireDocker.class, DropwizardExtensionsSupport.class})
class AuditApiIT {

    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create();
    private static final String ENV_SECRET = "env-value-7f3a9c";
    private static final String FILE_SECRET = "file-content-51d2e8";

    @Test
    void everyMutatingCallAndFileReadIsRecordedWithWhoWhatAndWhere() throws IOException {
        Session session = Session.register(APP.getLocalPort(), "Audit Org");
        String keyId = session.get("/api/v1/api-keys").text("/api_keys/0/id");
        Reply created = session.api().post("/api/v1/sandbox/create", Map.of("env", Map.of("DB_PASSWORD", ENV_SECRET)),
                "X-API-Key", session.key(), "X-Request-Id", "audit-create-1");
        assertThat(created.status()).as(created.raw()).isEqualTo(200);
        String sandbox = created.text("/id");
        String base = "/api/v1/sandbox/" + sandbox;
        try {
            Reply executed = session.post(base + "/execute", Map.of("command", "echo $DB_PASSWORD; exit 3"));
            Reply written = session.post(base + "/files", Map.of("files",
                    List.of(Map.of("path", "notes/plan.txt", "content", FILE_SECRET, "encoding", "utf8"))));
            Reply read = session.get(base + "/files?path=/workspace/notes/plan.txt");
            Reply missing = session.post("/api/v1/sandbox/sbx_missing/execute", Map.of("command", "echo " + ENV_SECRET));
            Reply invalid = session.post(base + "/execute", Map.of("command", "true", "timeout", "soon-" + ENV_SECRET));
            String streamed = streamedExecute(session, base);
            Reply stopped = session.api().post(base + "/stop", "", "X-API-Key", session.key(), "X-Forwarded-For", "203.0.113.7");
            assertThat(List.of(executed, written, read, stopped)).extracting(Reply::status).containsOnly(200);
            assertThat(executed.text("/stdout")).isEqualTo(ENV_SECRET + "\n");
            assertThat(missing.status()).isEqualTo(404);
            assertField(invalid, 400, "timeout");

            Reply audit = session.get("/api/v1/audit");
            assertThat(audit.status()).as(audit.raw()).isEqualTo(200);
            JsonNode events = audit.body().get("events");
            assertThat(events).extracting(e -> e.get("action").asText()).containsExactly("sandbox.stop", "command.execute",
                    "command.execute", "command.execute", "file.read", "file.write", "command.execute", "sandbox.create",
                    "org.register");
            assertThat(audit.body().get("total").asLong()).isEqualTo(9);
            assertThat(events).extracting(e -> e.get("request_id").asText()).containsExactly(requestId(stopped), streamed,
                    requestId(invalid), requestId(missing), requestId(read), requestId(written), requestId(executed),
                    "audit-create-1", events.get(8).get("request_id").asText());

            String orgId = created.text("/org_id");
            for (JsonNode event : events) {
                assertThat(event.get("id").asText()).startsWith("aud_");
                assertThat(Instant.parse(event.get("timestamp").asText())).isBeforeOrEqualTo(Instant.now());
                assertThat(event.get("org_id").asText()).isEqualTo(orgId);
                assertThat(event.get("user_id").asText()).startsWith("user_");
                assertThat(event.get("duration").asLong()).isNotNegative();
                assertThat(event.get("client_ip").asText()).as("X-Forwarded-For is not trusted by default").isEqualTo("127.0.0.1");
                assertThat(event.get("details").isObject()).isTrue();
                assertThat(event.get("sandbox_id").isTextual()).isTrue();
                assertThat(event.get("session_id").isTextual()).isTrue();
            }
            for (JsonNode event : List.of(events.get(0), events.get(1), events.get(2), events.get(4), events.get(5),
                    events.get(6), events.get(7))) {
                assertThat(event.get("api_key_id").asText()).isEqualTo(keyId);
                assertThat(event.get("actor").asText()).isEqualTo(keyId);
                assertThat(event.get("sandbox_id").asText()).isEqualTo(sandbox);
                assertThat(event.get("session_id").asText()).isEqualTo(created.text("/session_id")).isNotEmpty();
            }

            JsonNode create = events.get(7);
            assertThat(create.get("outcome").asText()).isEqualTo("success");
            assertThat(create.get("status").asInt()).isEqualTo(200);
            assertThat(create.get("resource").asText()).isEqualTo("/sandbox/create");
            assertThat(create.get("details").get("template").asText()).isEqualTo("python-basic");
            assertThat(create.get("error_message").isNull()).isTrue();

            JsonNode execute = events.get(6);
            assertThat(execute.get("resource").asText()).isEqualTo("/sandbox/" + sandbox + "/execute");
            assertThat(execute.get("outcome").asText()).as("the call succeeded; the command exited 3").isEqualTo("success");
            assertThat(execute.get("details").get("exit_code").asInt()).isEqualTo(3);

            JsonNode write = events.get(5);
            assertThat(write.get("details").get("file_count").asInt()).isEqualTo(1);
            assertThat(write.get("details").at("/files/0/path").asText()).isEqualTo("/workspace/notes/plan.txt");
            assertThat(write.get("details").at("/files/0/size").asInt()).isEqualTo(FILE_SECRET.length());

            JsonNode fileRead = events.get(4);
            assertThat(fileRead.get("details").get("path").asText()).isEqualTo("/workspace/notes/plan.txt");
            assertThat(fileRead.get("details").get("size").asInt()).isEqualTo(FILE_SECRET.length());

            JsonNode notFound = events.get(3);
            assertThat(notFound.get("outcome").asText()).isEqualTo("failure");
            assertThat(notFound.get("status").asInt()).isEqualTo(404);
            assertThat(notFound.get("error_message").asText()).startsWith("SANDBOX_NOT_FOUND: ");
            assertThat(notFound.get("sandbox_id").asText()).isEqualTo("sbx_missing");
            assertThat(notFound.get("session_id").asText()).isEmpty();

            JsonNode refused = events.get(2);
            assertThat(refused.get("outcome").asText()).isEqualTo("failure");
            assertThat(refused.get("status").asInt()).isEqualTo(400);
            assertThat(refused.get("error_message").asText()).isEqualTo("VALIDATION_ERROR (field timeout)");
            assertThat(refused.get("details").get("field").asText()).isEqualTo("timeout");

            assertThat(events.get(1).get("details").get("stream").asBoolean()).isTrue();
            assertThat(events.get(0).get("resource").asText()).isEqualTo("/sandbox/" + sandbox + "/stop");

            JsonNode register = events.get(8);
            assertThat(register.get("actor").asText()).isEqualTo(register.get("user_id").asText());
            assertThat(register.get("api_key_id").asText()).isEmpty();
            assertThat(register.get("sandbox_id").asText()).isEmpty();
            assertThat(register.get("session_id").asText()).isEmpty();

            assertThat(audit.raw()).as("no environment value, file content or key in the log")
                    .doesNotContain(ENV_SECRET)
                    .doesNotContain(FILE_SECRET)
                    .doesNotContain(Base64.getEncoder().encodeToString(FILE_SECRET.getBytes(StandardCharsets.UTF_8)))
                    .doesNotContain(session.key());
        } finally {
            session.stopAll();
        }
    }

    @Test
    void filtersSelectAndPagesSlice() {
        Session session = Session.register(APP.getLocalPort(), "Filter Org");
        String sandbox = session.sandbox(Map.of());
        try {
            for (int i = 0; i < 3; i++) {
                session.sh(sandbox, "true");
            }
            assertThat(session.post("/api/v1/sandbox/sbx_elsewhere/execute", Map.of("command", "true")).status()).isEqualTo(404);

            JsonNode all = session.get("/api/v1/audit").body();
            assertThat(all.get("total").asLong()).isEqualTo(6);
            assertThat(actions(session, "?action=command.execute")).hasSize(4);
            assertThat(events(session, "?action=command.execute&outcome=failure")).singleElement()
                    .satisfies(e -> assertThat(e.get("sandbox_id").asText()).isEqualTo("sbx_elsewhere"));
            assertThat(actions(session, "?sandbox_id=" + sandbox + "&outcome=success"))
                    .containsExactly("command.execute", "command.execute", "command.execute", "sandbox.create");
            assertThat(actions(session, "?action=org.register")).containsExactly("org.register");
            assertThat(actions(session, "?action=secret.inject")).isEmpty();

            Reply page = session.get("/api/v1/audit?action=command.execute&limit=2&offset=1");
            assertThat(page.body().get("total").asLong()).isEqualTo(4);
            assertThat(ids(page.body().get("events"))).containsExactlyElementsOf(
                    ids(events(session, "?action=command.execute")).subList(1, 3));
            Reply beyond = session.get("/api/v1/audit?offset=100");
            assertThat(beyond.body().get("events")).isEmpty();
            assertThat(beyond.body().get("total").asLong()).isEqualTo(6);

            String middle = all.get("events").get(2).get("timestamp").asText();
            Instant cut = Instant.parse(middle);
            List<String> from = ids(events(session, "?start_time=" + middle));
            List<String> before = ids(events(session, "?end_time=" + middle));
            assertThat(from).containsExactlyElementsOf(ids(elements(all.get("events"))
                    .filter(e -> !Instant.parse(e.get("timestamp").asText()).isBefore(cut)).toList()));
            assertThat(before).containsExactlyElementsOf(ids(elements(all.get("events"))
                    .filter(e -> Instant.parse(e.get("timestamp").asText()).isBefore(cut)).toList()));
            assertThat(events(session, "?start_time=2000-01-01T00:00:00Z&end_time=2000-01-02T00:00:00Z")).isEmpty();
            assertThat(events(session, "?start_time=" + URLEncoder.encode("2000-01-01T00:00:00+02:00", StandardCharsets.UTF_8)))
                    .hasSize(6);
        } finally {
            session.stopAll();
        }
    }

    @Test
    void malformedFiltersAnswer400NamingTheField() {
        Session session = Session.register(APP.getLocalPort(), "Malformed Org");
        Map<String, String> malformed = Map.ofEntries(
                Map.entry("limit=0", "limit"),
                Map.entry("limit=1001", "limit"),
                Map.entry("limit=ten", "limit"),
                Map.entry("offset=-1", "offset"),
                Map.entry("offset=first", "offset"),
                Map.entry("outcome=maybe", "outcome"),
                Map.entry("action=DROP%20TABLE", "action"),
                Map.entry("start_time=yesterday", "start_time"),
                Map.entry("end_time=2026-13-45T00:00:00Z", "end_time"),
                Map.entry("start_time=2026-01-02T00:00:00Z&end_time=2026-01-01T00:00:00Z", "end_time"),
                Map.entry("sandbox_id=" + "x".repeat(65), "sandbox_id"));
        malformed.forEach((query, field) -> assertField(session.get("/api/v1/audit?" + query), 400, field));
        assertThat(session.get("/api/v1/audit?limit=1000&offset=0&outcome=failure").status()).isEqualTo(200);
    }

    @Test
    void anotherOrganizationSeesNoneOfIt() {
        Session owner = Session.register(APP.getLocalPort(), "Owner Org");
        Session stranger = Session.register(APP.getLocalPort(), "Stranger Org");
        String sandbox = owner.sandbox(Map.of());
        try {
            owner.sh(sandbox, "true");
            Reply probe = stranger.post("/api/v1/sandbox/" + sandbox + "/execute", Map.of("command", "true"));
            assertThat(probe.status()).isEqualTo(404);

            assertThat(actions(stranger, "")).containsExactly("command.execute", "org.register");
            JsonNode theirs = events(stranger, "?action=command.execute").get(0);
            assertThat(theirs.get("session_id").asText()).as("another organization's session never shows").isEmpty();
            assertThat(theirs.get("outcome").asText()).isEqualTo("failure");
            assertThat(stranger.get("/api/v1/audit").raw()).doesNotContain(owner.get("/api/v1/audit").body()
                    .at("/events/0/org_id").asText());
            Reply summary = stranger.get("/api/v1/sandbox/" + sandbox + "/audit/summary");
            assertThat(summary.status()).isEqualTo(404);
            assertThat(summary.errorCode()).isEqualTo("SANDBOX_NOT_FOUND");

            assertThat(actions(owner, "")).containsExactly("command.execute", "sandbox.create", "org.register");
            assertThat(owner.get("/api/v1/audit").raw()).doesNotContain(requestId(probe));
        } finally {
            owner.stopAll();
        }
    }

    @Test
    void summaryCountsOneSandboxsCalls() {
        Session session = Session.register(APP.getLocalPort(), "Summary Org");
        String sandbox = session.sandbox(Map.of());
        String base = "/api/v1/sandbox/" + sandbox;
        session.sh(sandbox, "true");
        session.post(base + "/execute", Map.of("command", "exit 1"));
        session.post(base + "/files", Map.of("files", List.of(Map.of("path", "a.txt", "content", "a", "encoding", "utf8"),
                Map.of("path", "b.txt", "content", "b", "encoding", "utf8"))));
        session.get(base + "/files?path=/workspace/a.txt");
        session.get(base + "/files?path=/workspace/b.txt");
        assertThat(session.get(base + "/files?path=/workspace/missing.txt").errorCode()).isEqualTo("FILE_NOT_FOUND");
        assertField(session.post(base + "/execute", Map.of()), 400, "command");
        session.post(base + "/stop", "");

        Reply summary = session.get(base + "/audit/summary");
        assertThat(summary.status()).as(summary.raw()).isEqualTo(200);
        JsonNode totals = summary.body();
        assertThat(totals.get("sandbox_id").asText()).isEqualTo(sandbox);
        assertThat(totals.get("total_events").asLong()).isEqualTo(9);
        assertThat(totals.get("commands_executed").asLong()).isEqualTo(2);
        assertThat(totals.get("files_written").asLong()).isEqualTo(1);
        assertThat(totals.get("files_read").asLong()).isEqualTo(2);
        assertThat(totals.get("secrets_accessed").asLong()).isZero();
        assertThat(totals.get("errors").asLong()).isEqualTo(2);
        JsonNode events = events(session, "?sandbox_id=" + sandbox);
        assertThat(totals.get("duration").asLong())
                .isEqualTo(elements(events).mapToLong(e -> e.get("duration").asLong()).sum());
        assertThat(totals.get("first_event_at").asText()).isEqualTo(events.get(events.size() - 1).get("timestamp").asText());
        assertThat(totals.get("last_event_at").asText()).isEqualTo(events.get(0).get("timestamp").asText());

        assertThat(session.delete(base).status()).isEqualTo(200);
        assertThat(session.get(base).status()).isEqualTo(404);
        assertThat(session.get(base + "/audit/summary").body().get("total_events").asLong())
                .as("a deleted sandbox keeps its history").isEqualTo(10);
        Reply unknown = session.get("/api/v1/sandbox/sbx_unknown/audit/summary");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("SANDBOX_NOT_FOUND");
    }

    @Test
    void keysRefusalsAndScopesAreRecordedWithoutSecrets() {
        Session session = Session.register(APP.getLocalPort(), "Keys Org");
        String ownerKeyId = session.get("/api/v1/api-keys").text("/api_keys/0/id");
        Reply created = session.post("/api/v1/api-keys", Map.of("name", "reader", "scopes", List.of("sandbox:read")));
        assertThat(created.status()).as(created.raw()).isEqualTo(200);
        String reader = created.text("/key");
        String readerId = created.text("/api_key/id");

        Reply denied = session.api().post("/api/v1/sandbox/create", Map.of(), "X-API-Key", reader);
        assertThat(denied.status()).isEqualTo(403);
        Reply wrongOrg = session.api().post("/api/v1/sandbox/create", Map.of(), "X-API-Key", session.key(),
                "X-Org-Id", "org_someone_else");
        assertThat(wrongOrg.status()).isEqualTo(403);
        assertThat(session.api().post("/api/v1/sandbox/create", Map.of()).status()).isEqualTo(401);
        assertThat(session.api().get("/api/v1/audit", "X-API-Key", reader).status()).as("the log needs admin").isEqualTo(403);
        assertThat(session.api().get("/api/v1/sandbox/sbx_unknown/audit/summary", "X-API-Key", reader).status())
                .as("a summary needs sandbox:read only").isEqualTo(404);
        assertThat(session.delete("/api/v1/api-keys/" + readerId).status()).isEqualTo(200);
        assertThat(session.api().post("/api/v1/sandbox/create", Map.of(), "X-API-Key", reader).status()).isEqualTo(401);

        Reply audit = session.get("/api/v1/audit");
        JsonNode events = audit.body().get("events");
        assertThat(events).extracting(e -> e.get("action").asText())
                .as("calls without a valid credential are not recorded")
                .containsExactly("apikey.revoke", "sandbox.create", "sandbox.create", "apikey.create", "org.register");

        JsonNode revoke = events.get(0);
        assertThat(revoke.get("resource").asText()).isEqualTo("/api-keys/" + readerId);
        assertThat(revoke.get("outcome").asText()).isEqualTo("success");
        JsonNode mismatch = events.get(1);
        assertThat(mismatch.get("actor").asText()).isEqualTo(ownerKeyId);
        assertThat(mismatch.get("error_message").asText()).startsWith("FORBIDDEN: ");
        assertThat(mismatch.get("request_id").asText()).isEqualTo(requestId(wrongOrg));
        JsonNode scope = events.get(2);
        assertThat(scope.get("api_key_id").asText()).isEqualTo(readerId);
        assertThat(scope.get("status").asInt()).isEqualTo(403);
        assertThat(scope.get("sandbox_id").asText()).isEmpty();
        JsonNode mint = events.get(3);
        assertThat(mint.get("details").get("api_key_id").asText()).isEqualTo(readerId);
        assertThat(mint.get("details").get("name").asText()).isEqualTo("reader");
        assertThat(mint.get("details").get("scopes")).extracting(JsonNode::asText).containsExactly("sandbox:read");
        assertThat(audit.raw()).doesNotContain(reader).doesNotContain(session.key());
    }

    private static String streamedExecute(Session session, String base) throws IOException {
        HttpResponse<InputStream> response = session.api().stream(base + "/execute",
                Map.of("command", "echo streamed", "stream", true), "X-API-Key", session.key());
        try (InputStream body = response.body()) {
            assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).contains("\"type\":\"done\"");
        }
        return response.headers().firstValue("X-Request-Id").orElseThrow();
    }

    private static JsonNode events(Session session, String query) {
        Reply reply = session.get("/api/v1/audit" + query);
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        return reply.body().get("events");
    }

    private static List<String> actions(Session session, String query) {
        return elements(events(session, query)).map(e -> e.get("action").asText()).toList();
    }

    private static List<String> ids(Iterable<JsonNode> events) {
        List<String> ids = new ArrayList<>();
        events.forEach(e -> ids.add(e.get("id").asText()));
        return ids;
    }

    private static Stream<JsonNode> elements(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false);
    }

    private static String requestId(Reply reply) {
        return reply.headers().firstValue("X-Request-Id").orElseThrow();
    }
}
