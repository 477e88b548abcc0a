package com.stateset.sandbox.server.api;

import static com.stateset.sandbox.server.api.AuthApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.Session;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Persistent Python and Node.js interpreters in real sandboxes: state, results, errors, timeouts, interrupts, death. */
@ExtendWith({RequireDocker.class, DropwizardExtensionsSupport.class})
class ReplApiIT {

    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create();
    private static Session session;
    private static String python;
    private static String node;

    @BeforeAll
    static void sandboxes() {
        session = Session.register(APP.getLocalPort(), "Repl Org");
        python = session.sandbox(Map.of("template", "python-basic", "env", Map.of("FROM_SANDBOX", "yes")));
        node = session.sandbox(Map.of("template", "node-basic"));
    }

    @AfterAll
    static void stop() {
        session.stopAll();
    }

    private static String open(String sandbox, String language) {
        Reply created = session.post("/api/v1/sandbox/" + sandbox + "/repl/sessions", Map.of("language", language));
        assertThat(created.status()).as(created.raw()).isEqualTo(200);
        assertThat(created.text("/language")).isEqualTo(language);
        assertThat(created.text("/status")).isEqualTo("idle");
        return created.text("/session_id");
    }

    private static JsonNode run(String sandbox, String repl, String code, Object... more) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("code", code));
        for (int i = 0; i < more.length; i += 2) {
            body.put((String) more[i], more[i + 1]);
        }
        Reply reply = session.post("/api/v1/sandbox/" + sandbox + "/repl/sessions/" + repl + "/execute", body);
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        return reply.body();
    }

    @Test
    void aPythonSessionKeepsItsStateAndAnswersLikeAKernel() {
        String repl = open(python, "python");
        assertThat(run(python, repl, "x = 42").get("status").asText()).isEqualTo("ok");
        JsonNode printed = run(python, repl, "print(x)");
        assertThat(printed.get("output").asText()).isEqualTo("42\n");
        assertThat(printed.get("execution_count").asInt()).isEqualTo(2);

        JsonNode value = run(python, repl, "import os\nx * 2");
        assertThat(value.get("output").asText()).isEmpty();
        assertThat(value.at("/result/text~1plain").asText()).isEqualTo("84");
        assertThat(value.get("outputs")).anySatisfy(item -> {
            assertThat(item.get("type").asText()).isEqualTo("execute_result");
            assertThat(item.at("/data/text~1plain").asText()).isEqualTo("84");
        });
        JsonNode html = run(python, repl, "class T:\n    def _repr_html_(self): return '<b>t</b>'\nT()");
        assertThat(html.at("/result/text~1html").asText()).isEqualTo("<b>t</b>");
        assertThat(run(python, repl, "os.environ['FROM_SANDBOX']").at("/result/text~1plain").asText())
                .as("the sandbox's environment").isEqualTo("'yes'");

        JsonNode huge = run(python, repl, "'x' * 5_000_000");
        assertThat(huge.get("status").asText()).isEqualTo("ok");
        assertThat(huge.at("/result/text~1plain").asText().length()).as("cut at the output cap (1 MiB here)")
                .isBetween(1 << 20, (1 << 20) + 10);
        JsonNode spoken = run(python, repl, "print('y' * 3_000_000)");
        assertThat(spoken.get("stdout_truncated").asBoolean()).isTrue();
        assertThat(spoken.get("output").asText()).as("cut at the cap").hasSize(1 << 20);
        assertThat(spoken.get("outputs")).as("streams are in output and error alone").isEmpty();

        JsonNode failed = run(python, repl, "1 / 0");
        assertThat(failed.get("status").asText()).isEqualTo("error");
        assertThat(failed.get("error").asText()).contains("ZeroDivisionError");
        assertThat(failed.at("/exception/ename").asText()).isEqualTo("ZeroDivisionError");
        JsonNode exited = run(python, repl, "import sys; sys.exit(3)");
        assertThat(exited.get("status").asText()).isEqualTo("error");
        assertThat(run(python, repl, "print(x)").get("output").asText()).as("sys.exit does not end the session").isEqualTo("42\n");

        JsonNode slow = run(python, repl, "import time\ntime.sleep(30)", "timeout_ms", 1000);
        assertThat(slow.get("status").asText()).isEqualTo("timeout");
        assertThat(run(python, repl, "print(x + 1)").get("output").asText()).as("usable after a timeout").isEqualTo("43\n");

        CompletableFuture<JsonNode> looping = CompletableFuture.supplyAsync(() -> run(python, repl, "while True: pass",
                "timeout_ms", 60_000));
        // Interrupts until the cell is over: the first may come before the cell started.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
                session.post("/api/v1/sandbox/" + python + "/repl/sessions/" + repl + "/interrupt", "").status() == 200
                        && looping.isDone());
        assertThat(looping.join().at("/exception/ename").asText()).isEqualTo("KeyboardInterrupt");
        assertThat(run(python, repl, "print(x)").get("output").asText()).isEqualTo("42\n");

        JsonNode listed = session.get("/api/v1/sandbox/" + python + "/repl/sessions").body().get("sessions");
        assertThat(listed).anySatisfy(s -> assertThat(s.get("session_id").asText()).isEqualTo(repl));
        assertThat(session.get("/api/v1/sandbox/" + python + "/repl/sessions/" + repl).body().get("execution_count").asInt())
                .isGreaterThan(5);

        Reply destroyed = session.delete("/api/v1/sandbox/" + python + "/repl/sessions/" + repl);
        assertThat(destroyed.body().get("success").asBoolean()).isTrue();
        Reply after = session.post("/api/v1/sandbox/" + python + "/repl/sessions/" + repl + "/execute", Map.of("code", "x"));
        assertThat(after.status()).isEqualTo(409);
        assertThat(after.errorCode()).isEqualTo("REPL_SESSION_ENDED");
        assertThat(session.sh(python, "ls /tmp/.stateset-repl/" + repl + ".sock 2>&1 | grep -c 'No such'")).isEqualTo("1\n");
    }

    @Test
    void aNodeSessionKeepsItsDeclarationsAndAwaits() {
        String repl = open(node, "node");
        run(node, repl, "let count = 1; const add = (a, b) => a + b;");
        assertThat(run(node, repl, "count = add(count, 41); console.log(count)").get("output").asText()).isEqualTo("42\n");
        assertThat(run(node, repl, "count * 2").at("/result/text~1plain").asText()).isEqualTo("84");
        assertThat(run(node, repl, "await new Promise(r => setTimeout(() => r('later'), 100))").at("/result/text~1plain")
                .asText()).isEqualTo("'later'");
        JsonNode thrown = run(node, repl, "throw new TypeError('nope')");
        assertThat(thrown.get("status").asText()).isEqualTo("error");
        assertThat(thrown.get("error").asText()).contains("TypeError").contains("nope");
    }

    @Test
    void aDeadInterpreterEndsItsSessionAndBadRequestsAreRefused() {
        String repl = open(python, "python");
        Reply killed = session.post("/api/v1/sandbox/" + python + "/repl/sessions/" + repl + "/execute",
                Map.of("code", "import os; os._exit(1)"));
        assertThat(killed.status()).isEqualTo(409);
        assertThat(killed.errorCode()).isEqualTo("REPL_SESSION_ENDED");
        assertThat(session.get("/api/v1/sandbox/" + python + "/repl/sessions/" + repl).text("/status")).isEqualTo("ended");
        assertThat(session.delete("/api/v1/sandbox/" + python + "/repl/sessions/" + repl).status())
                .as("destroying an ended session is harmless").isEqualTo(200);

        assertField(session.post("/api/v1/sandbox/" + python + "/repl/sessions", Map.of("language", "cobol")), 400, "language");
        Reply noNode = session.post("/api/v1/sandbox/" + python + "/repl/sessions", Map.of("language", "node"));
        assertThat(noNode.status()).as(noNode.raw()).isEqualTo(409);
        assertThat(noNode.errorCode()).isEqualTo("REPL_UNAVAILABLE");
        String live = open(python, "python");
        String cells = "/api/v1/sandbox/" + python + "/repl/sessions/" + live + "/execute";
        assertField(session.post(cells, Map.of()), 400, "code");
        assertField(session.post(cells, Map.of("code", "1", "timeout_ms", 0)), 400, "timeout_ms");
        assertField(session.post(cells, Map.of("code", "x" + "#".repeat(100_000))), 413, "code");
        assertThat(session.post("/api/v1/sandbox/" + python + "/repl/sessions/repl_none/execute", Map.of("code", "1")).status())
                .isEqualTo(404);
        Session other = Session.register(APP.getLocalPort(), "Repl Other");
        assertThat(other.post(cells, Map.of("code", "1")).status()).as("another organization's").isEqualTo(404);
    }
}
