package com.stateset.sandbox.server.api;

import static com.stateset.sandbox.server.api.AuthApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.stateset.sandbox.server.SandboxApplication;
import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.config.DatabaseConfig;
import com.stateset.sandbox.server.config.StartupException;
import com.stateset.sandbox.server.crypto.SecretCipher;
import com.stateset.sandbox.server.model.Ids;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.ApiClient;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.Session;
import com.stateset.sandbox.server.testing.TestPaths;
import com.stateset.sandbox.server.testing.TestServer;
import com.stateset.sandbox.testing.WebhookReceiver;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The Secrets table of API.md, end to end: values encrypted in the database, never in an answer or
 * a log line, and in a real container's environment once injected.
 */
@ExtendWith({RequireDocker.class, DropwizardExtensionsSupport.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecretsApiIT {

    private static final byte[] MASTER_KEY = new byte[32];
    private static final String DATABASE = TestServer.memoryDatabase();
    static final DropwizardAppExtension<SandboxConfiguration> APP;

    static {
        new SecureRandom().nextBytes(MASTER_KEY);
        APP = TestServer.create(DATABASE, ConfigOverride.config("secrets.masterKey", Base64.getEncoder().encodeToString(MASTER_KEY)));
    }

    /** Every secret value a test stored: none may show up in an answer about secrets or in the log. */
    private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();
    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();
    private static Session owner;
    private static Session other;

    @BeforeAll
    static void register() {
        LOG.start();
        root().addAppender(LOG);
        owner = Session.register(APP.getLocalPort(), "Secret Org");
        other = Session.register(APP.getLocalPort(), "Other Secret Org");
    }

    @AfterAll
    static void detach() {
        root().detachAppender(LOG);
    }

    /** Every test ends with no secrets and no running sandboxes (the free plan runs two at once). */
    @AfterEach
    void cleanUp() {
        for (Session session : List.of(owner, other)) {
            session.stopAll();
            for (JsonNode secret : session.get("/api/v1/secrets").body().get("secrets")) {
                session.delete("/api/v1/secrets/" + secret.get("name").asText());
            }
        }
    }

    @AfterEach
    void noValueWasLogged() {
        for (String line : logged()) {
            for (String value : VALUES) {
                assertThat(line).as("a log line").doesNotContain(value);
            }
        }
    }

    @Test
    void createListUpdateAndDeleteNeverShowTheValue() throws InterruptedException {
        String first = value();
        Reply created = create(owner, Map.of("name", "API_TOKEN", "value", first));
        assertThat(created.status()).as(created.raw()).isEqualTo(200);
        JsonNode secret = created.body().get("secret");
        String id = secret.get("id").asText();
        assertThat(id).startsWith("sec_");
        assertThat(secret.get("name").asText()).isEqualTo("API_TOKEN");
        assertThat(secret.get("scope").asText()).isEqualTo("sandbox");
        assertThat(secret.get("allowed_sandbox_patterns")).extracting(JsonNode::asText).containsExactly("*");
        assertThat(secret.get("expires_at").isNull()).isTrue();
        assertThat(secret.get("created_at").asText()).endsWith("Z");
        assertThat(secret.get("updated_at").asText()).isEqualTo(secret.get("created_at").asText());
        assertThat(secret.get("expired").asBoolean()).isFalse();
        assertThat(secret.has("value")).isFalse();

        Reply deploy = create(owner, Map.of("name", "DEPLOY_KEY", "value", value(), "scope", "org",
                "allowed_sandbox_patterns", List.of("sbx_*"), "expires_in", 3600));
        assertThat(deploy.status()).as(deploy.raw()).isEqualTo(200);
        assertThat(deploy.text("/secret/scope")).isEqualTo("org");
        assertThat(deploy.body().at("/secret/allowed_sandbox_patterns")).extracting(JsonNode::asText).containsExactly("sbx_*");
        assertThat(deploy.text("/secret/expires_at")).endsWith("Z");

        Reply listed = owner.get("/api/v1/secrets");
        assertNoValue(listed);
        assertThat(listed.body().get("secrets")).extracting(s -> s.get("name").asText()).containsExactly("API_TOKEN", "DEPLOY_KEY");
        List<String> fields = new ArrayList<>();
        listed.body().get("secrets").get(0).fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrder("id", "name", "scope", "allowed_sandbox_patterns", "expires_at",
                "created_at", "updated_at", "expired");

        String second = value();
        Thread.sleep(5); // updated_at moves on
        Reply updated = put(owner, "/api/v1/secrets/API_TOKEN", Map.of("value", second));
        assertThat(updated.status()).as(updated.raw()).isEqualTo(200);
        assertThat(updated.text("/secret/id")).isEqualTo(id);
        assertThat(updated.text("/secret/created_at")).isEqualTo(secret.get("created_at").asText());
        assertThat(Instant.parse(updated.text("/secret/updated_at"))).isAfter(Instant.parse(secret.get("created_at").asText()));
        assertThat(updated.text("/secret/scope")).as("kept").isEqualTo("sandbox");

        StoredSecret stored = stored("API_TOKEN");
        assertThat(stored.ciphertext()).startsWith("v1:").doesNotContain(first).doesNotContain(second);
        assertThat(new SecretCipher(MASTER_KEY).decrypt(stored.orgId(), "API_TOKEN", stored.ciphertext()))
                .as("the stored form holds the new value, under the configured key").isEqualTo(second);

        assertThat(owner.delete("/api/v1/secrets/DEPLOY_KEY").body().get("success").asBoolean()).isTrue();
        assertThat(owner.get("/api/v1/secrets").body().get("secrets")).extracting(s -> s.get("name").asText())
                .containsExactly("API_TOKEN");
        Reply again = owner.delete("/api/v1/secrets/DEPLOY_KEY");
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.errorCode()).isEqualTo("SECRET_NOT_FOUND");
        Reply missing = put(owner, "/api/v1/secrets/NOT_THERE", Map.of("value", value()));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorCode()).isEqualTo("SECRET_NOT_FOUND");
    }

    @Test
    void badInputIsRefusedNamingTheFieldWithoutRepeatingTheValue() {
        String kept = value();
        assertThat(create(owner, Map.of("name", "DUPLICATE", "value", kept)).status()).isEqualTo(200);
        Reply duplicate = create(owner, Map.of("name", "DUPLICATE", "value", value()));
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.errorCode()).isEqualTo("CONFLICT");

        for (String name : List.of("", "1_STARTS_WITH_DIGIT", "HAS-DASH", "has space", "DOLLAR$", "A".repeat(129), "ÜBER")) {
            assertField(create(owner, Map.of("name", name, "value", value())), 400, "name");
        }
        assertField(create(owner, Map.of("value", value())), 400, "name");
        assertThat(create(owner, Map.of("name", "_" + "A".repeat(127), "value", value())).status()).as("128 characters").isEqualTo(200);

        assertField(create(owner, Map.of("name", "EMPTY", "value", "")), 400, "value");
        assertField(create(owner, Map.of("name", "ABSENT")), 400, "value");
        assertField(create(owner, Map.of("name", "NUL", "value", value() + "\0tail")), 400, "value");
        assertField(create(owner, Map.of("name", "OBJECT", "value", Map.of("a", value()))), 400, "value");
        String oversized = value() + "x".repeat(64 * 1024);
        assertField(create(owner, Map.of("name", "OVERSIZED", "value", oversized)), 400, "value");
        String multibyte = value() + "é".repeat(32 * 1024); // 64 KiB of characters would be 128 KiB of UTF-8
        assertField(create(owner, Map.of("name", "MULTIBYTE", "value", multibyte)), 400, "value");
        String largest = "y".repeat(64 * 1024 - 20) + value().substring(0, 20);
        VALUES.add(largest);
        assertThat(create(owner, Map.of("name", "LARGEST", "value", largest)).status()).as("exactly 64 KiB").isEqualTo(200);

        assertField(create(owner, Map.of("name", "SCOPED", "value", value(), "scope", "team")), 400, "scope");
        assertField(create(owner, Map.of("name", "PATTERNS", "value", value(), "allowed_sandbox_patterns", List.of())),
                400, "allowed_sandbox_patterns");
        assertField(create(owner, Map.of("name", "PATTERNS", "value", value(), "allowed_sandbox_patterns", List.of("sbx_*", "a/b"))),
                400, "allowed_sandbox_patterns[1]");
        assertField(create(owner, Map.of("name", "EXPIRING", "value", value(), "expires_in", 0)), 400, "expires_in");
        assertField(create(owner, Map.of("name", "UNKNOWN", "value", value(), "colour", "red", "expires_in", "soon")),
                400, "expires_in"); // a field this server does not know is ignored, a wrong type still refused
        assertField(put(owner, "/api/v1/secrets/DUPLICATE", Map.of("value", "")), 400, "value");
        assertField(put(owner, "/api/v1/secrets/DUPLICATE", Map.of("value", value(), "scope", "everyone")), 400, "scope");

        Reply foreignOrg = create(owner, Map.of("name", "FOREIGN", "value", value(), "org_id", Ids.newId("org")));
        assertThat(foreignOrg.status()).isEqualTo(403);
        String ownOrg = stored("DUPLICATE").orgId();
        assertThat(create(owner, Map.of("name", "OWN_ORG", "value", value(), "org_id", ownOrg)).status()).isEqualTo(200);
        assertThat(owner.get("/api/v1/secrets").body().get("secrets")).extracting(s -> s.get("name").asText())
                .containsExactly("DUPLICATE", "LARGEST", "OWN_ORG", "_" + "A".repeat(127));

        String readOnly = owner.post("/api/v1/api-keys", Map.of("name", "reader", "scopes", List.of("sandbox:read"))).text("/key");
        ApiClient api = owner.api();
        assertThat(api.get("/api/v1/secrets", "X-API-Key", readOnly).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/secrets", Map.of("name", "READER", "value", value()), "X-API-Key", readOnly).status())
                .isEqualTo(403);
        assertThat(api.send("PUT", "/api/v1/secrets/DUPLICATE", ApiClient.json(Map.of("value", value())), "X-API-Key", readOnly)
                .status()).isEqualTo(403);
        assertThat(api.delete("/api/v1/secrets/DUPLICATE", "X-API-Key", readOnly).status()).isEqualTo(403);
    }

    @Test
    void injectedSecretsAreInTheEnvironmentOfLaterCommands() {
        String password = "pa ss'wo\"rd $HOME `id` " + value();
        VALUES.add(password);
        String token = value();
        assertThat(create(owner, Map.of("name", "DB_PASSWORD", "value", password)).status()).isEqualTo(200);
        assertThat(create(owner, Map.of("name", "INJECT_TOKEN", "value", token)).status()).isEqualTo(200);
        String sandbox = owner.sandbox(Map.of("env", Map.of("PLAIN", "1")));

        Reply injected = inject(owner, sandbox, Map.of("secrets", List.of("DB_PASSWORD", "INJECT_TOKEN", "DB_PASSWORD")));
        assertThat(injected.status()).as(injected.raw()).isEqualTo(200);
        assertThat(injected.body().get("injected")).extracting(JsonNode::asText).containsExactly("DB_PASSWORD", "INJECT_TOKEN");
        assertThat(owner.sh(sandbox, "printf '%s|%s|%s' \"$DB_PASSWORD\" \"$INJECT_TOKEN\" \"$PLAIN\""))
                .isEqualTo(password + "|" + token + "|1");
        Reply described = owner.get("/api/v1/sandbox/" + sandbox);
        assertNoValue(described);
        assertThat(described.body().get("env_keys")).extracting(JsonNode::asText).as("the sandbox's own variables")
                .containsExactly("PLAIN");
        assertThat(sandboxEnvColumn(sandbox)).as("only names are kept with the sandbox, never values")
                .doesNotContain(password).doesNotContain(token);

        // Later commands get the value as stored now; a failed inject changes nothing.
        String rotated = value();
        assertThat(put(owner, "/api/v1/secrets/INJECT_TOKEN", Map.of("value", rotated)).status()).isEqualTo(200);
        assertThat(owner.sh(sandbox, "printf '%s' \"$INJECT_TOKEN\"")).as("the rotated value").isEqualTo(rotated);
        Reply unknown = inject(owner, sandbox, Map.of("secrets", List.of("INJECT_TOKEN", "NO_SUCH_SECRET")));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("SECRET_NOT_FOUND");
        assertThat(unknown.text("/error/message")).contains("NO_SUCH_SECRET");
        assertThat(owner.sh(sandbox, "printf '%s' \"${NO_SUCH_SECRET:-unset}\"")).as("nothing injected").isEqualTo("unset");

        // Too large for the sandbox's environment: refused before anything changes.
        String huge = "h".repeat(40 * 1024) + value();
        VALUES.add(huge);
        assertThat(create(owner, Map.of("name", "HUGE", "value", huge)).status()).isEqualTo(200);
        assertField(inject(owner, sandbox, Map.of("secrets", List.of("INJECT_TOKEN", "HUGE"))), 400, "secrets");
        assertThat(owner.sh(sandbox, "printf '%s' \"${HUGE:-unset}\"")).isEqualTo("unset");

        assertField(inject(owner, sandbox, Map.of("all", false)), 400, "secrets");
        assertField(inject(owner, sandbox, Map.of("secrets", List.of())), 400, "secrets");
        assertField(inject(owner, sandbox, Map.of("secrets", List.of("INJECT_TOKEN"), "all", true)), 400, "all");
        assertField(inject(owner, sandbox, Map.of("secrets", List.of("INJECT_TOKEN", "not-a-name"))), 400, "secrets[1]");
        assertThat(inject(owner, "sbx_doesnotexist", Map.of("secrets", List.of("INJECT_TOKEN"))).errorCode())
                .isEqualTo("SANDBOX_NOT_FOUND");

        owner.post("/api/v1/sandbox/" + sandbox + "/stop", "");
        Reply stopped = inject(owner, sandbox, Map.of("secrets", List.of("INJECT_TOKEN")));
        assertThat(stopped.status()).isEqualTo(409);
    }

    @Test
    void allInjectsWhatHasNotExpiredAndMayGoIntoTheSandbox() {
        String sandbox = owner.sandbox(Map.of());
        String usable = value();
        create(owner, Map.of("name", "ALL_USABLE", "value", usable));
        create(owner, Map.of("name", "ALL_ORG_SCOPED", "value", usable, "scope", "org",
                "allowed_sandbox_patterns", List.of("sbx_nomatch*", sandbox.substring(0, 8) + "*")));
        create(owner, Map.of("name", "ALL_ELSEWHERE", "value", value(), "allowed_sandbox_patterns", List.of("sbx_nomatch*")));
        create(owner, Map.of("name", "ALL_EXPIRING", "value", value(), "expires_in", 1));

        await().atMost(Duration.ofSeconds(10)).until(() -> expired(owner, "ALL_EXPIRING"));
        Reply expired = inject(owner, sandbox, Map.of("secrets", List.of("ALL_USABLE", "ALL_EXPIRING")));
        assertField(expired, 409, "secrets[1]");
        Reply elsewhere = inject(owner, sandbox, Map.of("secrets", List.of("ALL_ELSEWHERE")));
        assertThat(elsewhere.status()).isEqualTo(403);
        assertThat(elsewhere.text("/error/message")).contains("allowed_sandbox_patterns");

        Reply all = inject(owner, sandbox, Map.of("all", true));
        assertThat(all.status()).as(all.raw()).isEqualTo(200);
        assertThat(all.body().get("injected")).extracting(JsonNode::asText).containsExactly("ALL_ORG_SCOPED", "ALL_USABLE");
        assertThat(owner.sh(sandbox, "printf '%s|%s|%s' \"$ALL_USABLE\" \"${ALL_ELSEWHERE:-unset}\" \"${ALL_EXPIRING:-unset}\""))
                .isEqualTo(usable + "|unset|unset");

        // A new expiry revives an expired secret.
        Reply revived = put(owner, "/api/v1/secrets/ALL_EXPIRING", Map.of("value", value(), "expires_in", 3600));
        assertThat(revived.body().at("/secret/expired").asBoolean()).isFalse();
        assertThat(inject(owner, sandbox, Map.of("secrets", List.of("ALL_EXPIRING"))).status()).isEqualTo(200);
    }

    @Test
    void anotherOrganizationCannotSeeChangeOrUseASecret() {
        String mine = value();
        create(owner, Map.of("name", "OWNED", "value", mine));
        String ownSandbox = owner.sandbox(Map.of());
        String otherSandbox = other.sandbox(Map.of());

        Reply listed = other.get("/api/v1/secrets");
        assertThat(listed.body().get("secrets")).extracting(s -> s.get("name").asText()).doesNotContain("OWNED");
        assertThat(put(other, "/api/v1/secrets/OWNED", Map.of("value", value())).errorCode()).isEqualTo("SECRET_NOT_FOUND");
        assertThat(other.delete("/api/v1/secrets/OWNED").errorCode()).isEqualTo("SECRET_NOT_FOUND");
        assertThat(inject(other, otherSandbox, Map.of("secrets", List.of("OWNED"))).errorCode()).isEqualTo("SECRET_NOT_FOUND");
        assertThat(inject(other, ownSandbox, Map.of("secrets", List.of("OWNED"))).errorCode()).isEqualTo("SANDBOX_NOT_FOUND");
        assertThat(inject(owner, otherSandbox, Map.of("secrets", List.of("OWNED"))).errorCode()).isEqualTo("SANDBOX_NOT_FOUND");
        assertThat(inject(other, otherSandbox, Map.of("all", true)).body().get("injected")).isEmpty();

        // Names are per organization: the other's OWNED is its own.
        String theirs = value();
        assertThat(create(other, Map.of("name", "OWNED", "value", theirs)).status()).isEqualTo(200);
        assertThat(inject(other, otherSandbox, Map.of("secrets", List.of("OWNED"))).status()).isEqualTo(200);
        assertThat(inject(owner, ownSandbox, Map.of("secrets", List.of("OWNED"))).status()).isEqualTo(200);
        assertThat(other.sh(otherSandbox, "printf '%s' \"$OWNED\"")).isEqualTo(theirs);
        assertThat(owner.sh(ownSandbox, "printf '%s' \"$OWNED\"")).isEqualTo(mine);
    }

    @Test
    void aCiphertextMovedOntoAnotherSecretDoesNotDecrypt() {
        create(owner, Map.of("name", "MOVED_FROM", "value", value()));
        create(owner, Map.of("name", "MOVED_TO", "value", value()));
        String sandbox = owner.sandbox(Map.of());
        // As someone with write access to the database could: copy one row's ciphertext onto another.
        execute("UPDATE secrets SET ciphertext = (SELECT ciphertext FROM secrets WHERE name = 'MOVED_FROM')"
                + " WHERE name = 'MOVED_TO'");

        Reply moved = inject(owner, sandbox, Map.of("secrets", List.of("MOVED_TO")));
        assertThat(moved.status()).as("no retry cures it").isEqualTo(409);
        assertThat(moved.errorCode()).isEqualTo("SECRET_UNREADABLE");
        assertThat(owner.sh(sandbox, "printf '%s' \"${MOVED_TO:-unset}\"")).isEqualTo("unset");
        assertThat(logged()).as("the operator learns why, from the log")
                .anyMatch(line -> line.contains("cannot be decrypted") && line.contains("fails authentication"));
    }

    @Test
    void webhookCredentialsAreSealedUnderTheMasterKeyAndStillSign() throws Exception {
        String secret = "webhook-signing-" + value();
        String token = "Bearer " + value();
        VALUES.add(secret);
        VALUES.add(token);
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            Reply webhook = owner.post("/api/v1/webhooks", Map.of("url", receiver.url("/sealed"), "secret", secret,
                    "headers", Map.of("Authorization", token), "events", List.of("sandbox.created")));
            assertThat(webhook.status()).as(webhook.raw()).isEqualTo(200);
            String id = webhook.text("/id");
            try (Connection db = database();
                    PreparedStatement query = db.prepareStatement("SELECT secret, headers FROM webhooks WHERE id = ?")) {
                query.setString(1, id);
                try (ResultSet row = query.executeQuery()) {
                    assertThat(row.next()).isTrue();
                    assertThat(row.getString("secret")).startsWith("v1:").doesNotContain(secret);
                    assertThat(row.getString("headers")).startsWith("v1:").doesNotContain(token);
                }
            }
            assertThat(owner.get("/api/v1/webhooks").raw()).doesNotContain(secret).doesNotContain(token);

            String sandbox = owner.sandbox(Map.of());
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> receiver.received("/sealed").size() == 1);
            WebhookReceiver.Received delivered = receiver.received("/sealed").get(0);
            assertThat(delivered.header("Authorization")).isEqualTo(token);
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            assertThat(delivered.header("X-Sandbox-Signature")).isEqualTo("sha256=" + java.util.HexFormat.of()
                    .formatHex(mac.doFinal(delivered.body().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            owner.post("/api/v1/sandbox/" + sandbox + "/stop", "");
            owner.delete("/api/v1/webhooks/" + id);
        }
    }

    /** After the tests that read the log: starting other servers in this JVM resets the logging. */
    @Test
    @Order(Integer.MAX_VALUE - 1)
    void aWebhookSealedUnderAnotherKeyStaysListedAndItsTestSaysWhy() throws Exception {
        Reply webhook = owner.post("/api/v1/webhooks", Map.of("url", "http://127.0.0.1:9/hook",
                "headers", Map.of("X-Team", value()), "events", List.of("sandbox.created")));
        assertThat(webhook.status()).as(webhook.raw()).isEqualTo(200);
        String id = webhook.text("/id");
        byte[] otherKey = new byte[32];
        new java.security.SecureRandom().nextBytes(otherKey);
        DropwizardAppExtension<SandboxConfiguration> rekeyed = server(DATABASE, Base64.getEncoder().encodeToString(otherKey));
        rekeyed.before();
        try {
            ApiClient api = new ApiClient(rekeyed.getLocalPort());
            Reply listed = api.get("/api/v1/webhooks", "X-API-Key", owner.key());
            assertThat(listed.status()).as("one unreadable webhook must not hide the others").isEqualTo(200);
            assertThat(listed.raw()).contains(id);
            Reply tested = api.post("/api/v1/webhooks/" + id + "/test", "", "X-API-Key", owner.key());
            assertThat(tested.status()).as("no retry cures it").isEqualTo(409);
            assertThat(tested.errorCode()).isEqualTo("WEBHOOK_CREDENTIALS_UNREADABLE");
        } finally {
            rekeyed.after();
            owner.delete("/api/v1/webhooks/" + id);
        }
    }

    /** Last: starting other servers in this JVM resets the logging this class listens to. */
    @Test
    @Order(Integer.MAX_VALUE)
    void withoutAMasterKeyNothingIsStoredAndStoredSecretsStopTheStart() throws Exception {
        DropwizardAppExtension<SandboxConfiguration> keyless = keylessServer(TestServer.memoryDatabase());
        keyless.before();
        try {
            Session session = Session.register(keyless.getLocalPort(), "Keyless Org");
            Reply refused = create(session, Map.of("name", "TOKEN", "value", value()));
            assertThat(refused.status()).as("no retry can cure it").isEqualTo(409);
            assertThat(refused.errorCode()).isEqualTo("SECRETS_DISABLED");
            assertThat(refused.text("/error/message")).contains("SANDBOX_SECRETS_MASTER_KEY");
            assertThat(session.get("/api/v1/secrets").body().get("secrets")).isEmpty();
        } finally {
            keyless.after();
        }

        assertThat(create(owner, Map.of("name", "KEEPS_THE_KEY_NEEDED", "value", value())).status()).isEqualTo(200);
        assertStartStops(keylessServer(DATABASE));

        // Where keys are generated, a database that holds secrets gets no new key either: it would read none of them.
        Path data = Session.tempDirectory("sandbox-data");
        assertStartStops(server(DATABASE, "", data, true));
        assertThat(data.resolve("secrets-master.key")).doesNotExist();
    }

    private static void assertStartStops(DropwizardAppExtension<SandboxConfiguration> refusing) {
        try {
            Throwable failure = catchThrowable(refusing::before);
            while (failure != null && !(failure instanceof StartupException)) {
                failure = failure.getCause();
            }
            assertThat(failure).as("the start stops with a StartupException").isNotNull()
                    .hasMessageContaining("SANDBOX_SECRETS_MASTER_KEY").hasMessageContaining("secrets.masterKey");
        } finally {
            refusing.after();
        }
    }

    /**
     * A server on {@code database} with no master key. Its settings go under a prefix of its own:
     * the running server's (the master key among them) are system properties this JVM shares.
     */
    private static DropwizardAppExtension<SandboxConfiguration> keylessServer(String database) {
        return server(database, "");
    }

    /** A server on {@code database} with another master key (empty: none), its settings under a prefix of its own. */
    private static DropwizardAppExtension<SandboxConfiguration> server(String database, String masterKey) {
        return server(database, masterKey, Session.tempDirectory("sandbox-data"), false);
    }

    private static DropwizardAppExtension<SandboxConfiguration> server(String database, String masterKey, Path data,
            boolean generateKey) {
        String prefix = "other" + Ids.random(6) + ".";
        return new DropwizardAppExtension<>(SandboxApplication.class, ResourceHelpers.resourceFilePath("test-server.yml"), prefix,
                ConfigOverride.config(prefix, "database.url", database),
                ConfigOverride.config(prefix, "pluginsDirectory", TestPaths.pluginsDirectory().toString()),
                ConfigOverride.config(prefix, "dataDirectory", data.toString()),
                ConfigOverride.config(prefix, "secrets.masterKey", masterKey),
                ConfigOverride.config(prefix, "secrets.generateKey", Boolean.toString(generateKey)));
    }

    private static Reply create(Session session, Map<String, Object> body) {
        Reply reply = session.post("/api/v1/secrets", body);
        assertNoValue(reply);
        return reply;
    }

    private static Reply put(Session session, String path, Map<String, Object> body) {
        Reply reply = session.api().send("PUT", path, ApiClient.json(body), "X-API-Key", session.key());
        assertNoValue(reply);
        return reply;
    }

    private static Reply inject(Session session, String sandbox, Map<String, Object> body) {
        Reply reply = session.post("/api/v1/sandbox/" + sandbox + "/secrets/inject", body);
        assertNoValue(reply);
        return reply;
    }

    private static void assertNoValue(Reply reply) {
        for (String value : VALUES) {
            assertThat(reply.raw()).as("an answer").doesNotContain(value);
        }
    }

    private static boolean expired(Session session, String name) {
        for (JsonNode secret : session.get("/api/v1/secrets").body().get("secrets")) {
            if (secret.get("name").asText().equals(name)) {
                return secret.get("expired").asBoolean();
            }
        }
        throw new AssertionError(name + " is not listed");
    }

    /** A distinctive value, recorded so that no answer or log line may contain it. */
    private static String value() {
        String value = "s3cr3t-" + Ids.random(20);
        VALUES.add(value);
        return value;
    }

    /** What the server logged while this class listened, each event with its stack trace. */
    private static List<String> logged() {
        List<ILoggingEvent> events;
        synchronized (LOG) { // the server's threads append while the test reads
            events = new ArrayList<>(LOG.list);
        }
        return events.stream().map(event -> event.getFormattedMessage()
                + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()))).toList();
    }

    private record StoredSecret(String orgId, String ciphertext) {
    }

    /** The row of the secret {@code name} (of whichever organization has one), read straight from the server's database. */
    private static StoredSecret stored(String name) {
        try (Connection db = database();
                PreparedStatement query = db.prepareStatement("SELECT org_id, ciphertext FROM secrets WHERE name = ?")) {
            query.setString(1, name);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).as(name + " is stored").isTrue();
                return new StoredSecret(row.getString("org_id"), row.getString("ciphertext"));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sandboxEnvColumn(String sandbox) {
        try (Connection db = database();
                PreparedStatement query = db.prepareStatement("SELECT env FROM sandboxes WHERE id = ?")) {
            query.setString(1, sandbox);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getString("env");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void execute(String sql) {
        try (Connection db = database()) {
            db.createStatement().executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Connection database() throws SQLException {
        String url = new DatabaseConfig(DATABASE, "sa", "").dataSourceFactory(Path.of("target")).getUrl();
        return DriverManager.getConnection(url, "sa", "");
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
