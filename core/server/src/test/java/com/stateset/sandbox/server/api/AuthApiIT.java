package com.stateset.sandbox.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.ApiClient;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Registration, API keys and authentication, as API.md describes them. Needs no Docker engine. */
@ExtendWith(DropwizardExtensionsSupport.class)
class AuthApiIT {

    static final String SECRET = "0123456789abcdef0123456789abcdef-test-secret";
    static final String DATABASE = TestServer.memoryDatabase();
    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create(DATABASE);

    private ApiClient api;
    private String key;

    @BeforeEach
    void register() {
        api = new ApiClient(APP.getLocalPort());
        key = api.register("Acme Inc");
    }

    @Test
    void registrationAnswersTheOrganizationTheOwnerAndAKeyShownOnce() {
        Reply reply = api.post("/api/v1/register", Map.of("email", "Owner@Example.com", "organization_name", "Zebra Labs",
                "first_name", "Ada", "use_case", "agents"));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text("/organization/id")).startsWith("org_");
        assertThat(reply.text("/organization/name")).isEqualTo("Zebra Labs");
        assertThat(reply.text("/organization/slug")).isEqualTo("zebra-labs");
        assertThat(reply.text("/organization/plan")).as("auth.defaultPlan of the test server").isEqualTo("enterprise");
        assertThat(reply.text("/user/id")).startsWith("user_");
        assertThat(reply.text("/user/email")).isEqualTo("owner@example.com");
        assertThat(reply.text("/user/role")).isEqualTo("owner");
        String newKey = reply.text("/api_key/key");
        assertThat(newKey).startsWith("sk-sandbox-").hasSize(54);
        assertThat(reply.text("/api_key/key_prefix")).isEqualTo(newKey.substring(0, 15));
        assertThat(reply.text("/api_key/name")).isEqualTo("default");

        Reply again = api.post("/api/v1/register", Map.of("email", "owner@example.com", "organization_name", "Zebra Two"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.errorCode()).isEqualTo("CONFLICT");
        Reply sameName = api.post("/api/v1/register", Map.of("email", "other@example.com", "organization_name", "Zebra Labs"));
        assertThat(sameName.text("/organization/slug")).startsWith("zebra-labs-");
    }

    @Test
    void registrationRefusesBadInputNamingTheField() {
        assertField(api.post("/api/v1/register", Map.of("organization_name", "X")), 400, "email");
        assertField(api.post("/api/v1/register", Map.of("email", "not-an-email", "organization_name", "X")), 400, "email");
        assertField(api.post("/api/v1/register", Map.of("email", "a@b.co")), 400, "organization_name");
        Reply planned = api.post("/api/v1/register", Map.of("email", "planner-" + System.nanoTime() + "@b.co",
                "organization_name", "X", "plan", "free"));
        assertThat(planned.text("/organization/plan")).as("a field registration does not take is ignored, not obeyed")
                .isEqualTo("enterprise");
        assertField(api.post("/api/v1/register", Map.of("email", List.of(1), "organization_name", "X")), 400, "email");
        Reply malformed = api.post("/api/v1/register", "{\"email\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.errorCode()).isEqualTo("VALIDATION_ERROR");
        assertThat(malformed.raw()).doesNotContain("at com.").doesNotContain("Exception");
    }

    @Test
    void everyCredentialFormWorksAndEveryErrorHasTheErrorShape() {
        assertThat(api.get("/api/v1/sandboxes", "Authorization", "ApiKey " + key).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/sandboxes", "X-API-Key", key).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/sandboxes", "Authorization", "Bearer " + key).status()).isEqualTo(200);

        Reply missing = api.get("/api/v1/sandboxes", "X-Request-Id", "client-req-1");
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.errorCode()).isEqualTo("UNAUTHORIZED");
        assertThat(missing.text("/error/request_id")).isEqualTo("client-req-1");
        assertThat(missing.headers().firstValue("X-Request-Id")).contains("client-req-1");

        String forged = key.substring(0, key.length() - 2) + (key.endsWith("A") ? "BB" : "AA");
        assertThat(api.get("/api/v1/sandboxes", "X-API-Key", forged).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/sandboxes", "Authorization", "Basic " + key).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/sandboxes", "X-API-Key", "").status()).isEqualTo(401);
        assertThat(api.get("/api/v1/sandboxes", "X-API-Key", key).headers().firstValue("X-Request-Id")).isPresent();
    }

    @Test
    void keysAreListedWithoutSecretsScopedAndRevocable() {
        Reply listed = api.get("/api/v1/api-keys", "X-API-Key", key);
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body().get("api_keys")).hasSize(1);
        assertThat(listed.raw()).doesNotContain(key).doesNotContain("hash");
        assertThat(listed.text("/api_keys/0/key_prefix")).isEqualTo(key.substring(0, 15));
        assertThat(listed.body().at("/api_keys/0/scopes").isArray()).isTrue();
        assertThat(listed.body().at("/api_keys/0/scopes")).isEmpty();

        Reply created = api.post("/api/v1/api-keys", Map.of("name", "reader", "scopes", List.of("sandbox:read"),
                "expires_in_days", 30), "X-API-Key", key);
        assertThat(created.status()).isEqualTo(200);
        String reader = created.text("/key");
        String readerId = created.text("/api_key/id");
        assertThat(reader).startsWith("sk-sandbox-");
        assertThat(created.text("/api_key/scopes/0")).isEqualTo("sandbox:read");
        assertThat(Instant.parse(created.text("/api_key/expires_at"))).isAfter(Instant.now().plus(Duration.ofDays(29)));
        assertThat(api.get("/api/v1/api-keys", "X-API-Key", key).raw()).doesNotContain(reader);

        assertThat(api.get("/api/v1/sandboxes", "X-API-Key", reader).status()).isEqualTo(200);
        Reply denied = api.post("/api/v1/sandbox/create", Map.of(), "X-API-Key", reader);
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.errorCode()).isEqualTo("FORBIDDEN");
        assertThat(api.get("/api/v1/api-keys", "X-API-Key", reader).status()).isEqualTo(403);

        await().atMost(Duration.ofSeconds(10)).until(() ->
                api.get("/api/v1/api-keys", "X-API-Key", key).raw().contains("\"last_used_at\":\"20"));

        assertThat(api.delete("/api/v1/api-keys/" + readerId, "X-API-Key", key).text("/success")).isEqualTo("true");
        Reply revoked = api.get("/api/v1/sandboxes", "X-API-Key", reader);
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.text("/error/message")).contains("revoked");
        assertThat(api.delete("/api/v1/api-keys/" + readerId, "X-API-Key", key).status()).isEqualTo(404);

        String otherOrgKey = api.register("Other Org");
        String otherKeyId = api.get("/api/v1/api-keys", "X-API-Key", otherOrgKey).text("/api_keys/0/id");
        assertThat(api.delete("/api/v1/api-keys/" + otherKeyId, "X-API-Key", key).status())
                .as("another org's key answers as a missing one").isEqualTo(404);
    }

    @Test
    void keyCreationRefusesBadInput() {
        assertField(api.post("/api/v1/api-keys", Map.of(), "X-API-Key", key), 400, "name");
        assertField(api.post("/api/v1/api-keys", Map.of("name", "x", "scopes", List.of("root")), "X-API-Key", key), 400, "scopes[0]");
        assertField(api.post("/api/v1/api-keys", Map.of("name", "x", "expires_in_days", 0), "X-API-Key", key), 400, "expires_in_days");
        assertField(api.post("/api/v1/api-keys", Map.of("name", "x", "expires_in_days", "soon"), "X-API-Key", key), 400, "expires_in_days");
    }

    @Test
    void expiredKeysAreRefused() throws Exception {
        String id = api.get("/api/v1/api-keys", "X-API-Key", key).text("/api_keys/0/id");
        try (Connection db = DriverManager.getConnection(DATABASE, "sa", "")) {
            db.createStatement().executeUpdate("UPDATE api_keys SET expires_at = 1 WHERE id = '" + id + "'");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> api.get("/api/v1/sandboxes", "X-API-Key", key).status() == 401);
        assertThat(api.get("/api/v1/sandboxes", "X-API-Key", key).text("/error/message")).contains("expired");
    }

    @Test
    void organizationsNamedByTheClientMustBeTheCredentialsOwn() {
        assertThat(api.get("/api/v1/sandboxes", "X-API-Key", key, "X-Org-Id", "org_someone_else").status()).isEqualTo(403);
        assertThat(api.get("/api/v1/sandboxes?org_id=org_someone_else", "X-API-Key", key).status()).isEqualTo(403);
        assertThat(api.post("/api/v1/sandbox/create", Map.of("org_id", "org_someone_else"), "X-API-Key", key).status()).isEqualTo(403);
        String orgId = api.get("/api/v1/sandboxes", "X-API-Key", key).raw().isEmpty() ? null : orgOf(key);
        assertThat(api.get("/api/v1/sandboxes?org_id=" + orgId, "X-API-Key", key, "X-Org-Id", orgId).status()).isEqualTo(200);
    }

    @Test
    void bearerTokensAreVerifiedAndPinnedToHs256() {
        String orgId = orgOf(key);
        String token = JWT.create().withClaim("org_id", orgId).withSubject("agent-7").withExpiresAt(Instant.now().plusSeconds(300))
                .sign(Algorithm.HMAC256(SECRET));
        assertThat(api.get("/api/v1/sandboxes", "Authorization", "Bearer " + token).status()).isEqualTo(200);

        String none = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64("{\"org_id\":\"" + orgId + "\",\"exp\":"
                + (Instant.now().getEpochSecond() + 300) + "}") + ".";
        assertThat(api.get("/api/v1/sandboxes", "Authorization", "Bearer " + none).status()).isEqualTo(401);
        String foreign = JWT.create().withClaim("org_id", orgId).withExpiresAt(Instant.now().plusSeconds(300))
                .sign(Algorithm.HMAC256("a-different-secret-of-enough-length-123456"));
        assertThat(api.get("/api/v1/sandboxes", "Authorization", "Bearer " + foreign).status()).isEqualTo(401);
        String unknownOrg = JWT.create().withClaim("org_id", "org_nobody").withExpiresAt(Instant.now().plusSeconds(300))
                .sign(Algorithm.HMAC256(SECRET));
        assertThat(api.get("/api/v1/sandboxes", "Authorization", "Bearer " + unknownOrg).status()).isEqualTo(401);
        String readOnly = JWT.create().withClaim("org_id", orgId).withClaim("scope", "sandbox:read")
                .withExpiresAt(Instant.now().plusSeconds(300)).sign(Algorithm.HMAC256(SECRET));
        assertThat(api.post("/api/v1/sandbox/create", Map.of(), "Authorization", "Bearer " + readOnly).status()).isEqualTo(403);
        assertThat(api.post("/api/v1/api-keys", Map.of("name", "escalate"), "Authorization", "Bearer " + token).status())
                .as("a token without scopes cannot mint keys").isEqualTo(403);
    }

    @Test
    void requestsTheHttpServerRefusesStillGetTheErrorShape() {
        Reply ambiguous = api.post("/api/v1/sandbox//execute", Map.of("command", "ls"), "X-API-Key", key, "X-Request-Id", "client-9");
        assertThat(ambiguous.status()).isEqualTo(400);
        // Refused before it was parsed, so the client's id cannot be echoed; the answer still has one.
        assertThat(ambiguous.headers().firstValue("X-Request-Id")).contains(ambiguous.text("/error/request_id"));
        assertThat(ambiguous.errorCode()).isEqualTo("VALIDATION_ERROR");
        assertThat(ambiguous.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        Reply unknown = api.get("/nothing/here", "X-API-Key", key);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("NOT_FOUND");
        Reply wrongMethod = api.send("PATCH", "/api/v1/sandboxes", "{}", "X-API-Key", key);
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.errorCode()).isEqualTo("METHOD_NOT_ALLOWED");
        assertThat(wrongMethod.headers().firstValue("Allow")).as("405 names what the resource takes").hasValueSatisfying(
                allow -> assertThat(allow).contains("GET"));
        assertThat(wrongMethod.body().at("/error/details/allowed").toString()).contains("GET");
        // Methods outside the usual ones too, TRACE without echoing the request and its credential.
        for (String method : List.of("TRACE", "QUERY")) {
            Reply refused = api.send(method, "/api/v1/sandboxes", null, "X-API-Key", key);
            assertThat(refused.status()).as(method).isEqualTo(405);
            assertThat(refused.errorCode()).as(method).isEqualTo("METHOD_NOT_ALLOWED");
            assertThat(refused.headers().firstValue("Allow")).as(method).hasValueSatisfying(allow -> assertThat(allow).contains("GET"));
            assertThat(refused.raw()).as(method).doesNotContain(key);
        }
        Reply controlCharacter = api.send("DELETE", "/api/v1/sandbox/%01", null, "X-API-Key", key);
        assertThat(controlCharacter.status()).isEqualTo(400);
        assertThat(controlCharacter.errorCode()).as("a body for every method Jetty refuses").isEqualTo("VALIDATION_ERROR");
        assertField(api.get("/api/v1/sandboxes?limit=5&limit=6", "X-API-Key", key), 400, "limit");
        assertField(api.get("/api/v1/sandboxes?limit=", "X-API-Key", key), 400, "limit");
        Reply blank = api.send("POST", "/api/v1/api-keys", " \r\n", "X-API-Key", key);
        assertThat(blank.status()).as("whitespace is no JSON value").isEqualTo(400);
        assertThat(blank.text("/error/message")).contains("malformed JSON");
        Reply plainTerminal = api.get("/api/v1/sandbox/sbx_x/terminal/connect?ticket=t");
        assertThat(plainTerminal.status()).isEqualTo(426);
        assertThat(plainTerminal.errorCode()).isEqualTo("UPGRADE_REQUIRED");
        assertThat(plainTerminal.headers().firstValue("Upgrade")).contains("websocket");
        Reply notJson = api.send("POST", "/api/v1/register", null, "Content-Type", "text/plain");
        assertThat(notJson.status()).isEqualTo(415);
    }

    @Test
    void healthNeedsNoCredential() {
        Reply health = api.get("/health");
        assertThat(health.body().has("status")).isTrue();
        assertThat(health.text("/database")).isEqualTo("healthy");
        assertThat(health.text("/storage")).isEqualTo("healthy");
        assertThat(api.get("/api/v1/health").text("/database")).isEqualTo("healthy");
    }

    private String orgOf(String apiKey) {
        Reply keys = api.get("/api/v1/api-keys", "X-API-Key", apiKey);
        String keyId = keys.text("/api_keys/0/id");
        try (Connection db = DriverManager.getConnection(DATABASE, "sa", "")) {
            var rs = db.createStatement().executeQuery("SELECT org_id FROM api_keys WHERE id = '" + keyId + "'");
            rs.next();
            return rs.getString(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertField(Reply reply, int status, String field) {
        assertThat(reply.status()).as(reply.raw()).isEqualTo(status);
        assertThat(reply.text("/error/details/field")).as(reply.raw()).isEqualTo(field);
        assertThat(reply.text("/error/request_id")).isNotBlank();
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
