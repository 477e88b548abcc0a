package com.stateset.sandbox.server.api;

import static com.stateset.sandbox.server.api.AuthApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.ApiClient;
import com.stateset.sandbox.server.testing.DockerCli;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Sandboxes table of API.md against real containers on the local Docker engine. */
@ExtendWith({RequireDocker.class, DropwizardExtensionsSupport.class})
class SandboxApiIT {

    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static ApiClient api;
    private static String key;
    private static String sandbox;

    @BeforeAll
    static void registerAndCreate() {
        api = new ApiClient(APP.getLocalPort());
        key = api.register("Sandbox Org");
        sandbox = create(Map.of("env", Map.of("GREETING", "hello", "ANSWER", "42"), "metadata", Map.of("team", "agents"))).text("/id");
    }

    @AfterAll
    static void cleanUp() {
        for (JsonNode s : api.get("/api/v1/sandboxes?status=running", "X-API-Key", key).body().get("sandboxes")) {
            api.post("/api/v1/sandbox/" + s.get("id").asText() + "/stop", "", "X-API-Key", key);
        }
    }

    private static Reply create(Map<String, Object> body) {
        Reply reply = api.post("/api/v1/sandbox/create", body, "X-API-Key", key);
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        return reply;
    }

    private static Reply exec(String id, Object command, Object... more) {
        Map<String, Object> body = new HashMap<>();
        body.put("command", command);
        for (int i = 0; i < more.length; i += 2) {
            body.put((String) more[i], more[i + 1]);
        }
        return api.post("/api/v1/sandbox/" + id + "/execute", body, "X-API-Key", key);
    }

    @Test
    void createAnswersARunningSandboxOfThePublishedShape() {
        Reply reply = api.get("/api/v1/sandbox/" + sandbox, "X-API-Key", key);
        assertThat(reply.status()).isEqualTo(200);
        JsonNode s = reply.body();
        assertThat(s.get("id").asText()).startsWith("sbx_");
        assertThat(s.get("sandbox_id").asText()).isEqualTo(sandbox);
        assertThat(s.get("org_id").asText()).startsWith("org_");
        assertThat(s.get("session_id").asText()).isNotBlank();
        assertThat(s.get("status").asText()).isEqualTo("running");
        assertThat(s.get("template").asText()).isEqualTo("python-basic");
        assertThat(s.get("cpus").asText()).isEqualTo("1");
        assertThat(s.get("memory").asText()).isEqualTo("256Mi");
        assertThat(s.get("env_keys")).extracting(JsonNode::asText).containsExactly("ANSWER", "GREETING");
        assertThat(s.get("metadata").get("team").asText()).isEqualTo("agents");
        assertThat(s.get("startup_ms").asLong()).isPositive();
        assertThat(Instant.parse(s.get("expires_at").asText())).isAfter(Instant.parse(s.get("created_at").asText()));
        assertThat(reply.raw()).doesNotContain("hello").as("env values are never returned");
        assertThat(s.has("pod_ip")).isTrue();

        Reply status = api.get("/api/v1/sandbox/" + sandbox + "/status", "X-API-Key", key);
        assertThat(status.body().size()).isEqualTo(9);
        assertThat(status.body().get("max_lifetime_seconds").asLong()).isPositive();
        assertThat(status.text("/status")).isEqualTo("running");
        assertThat(status.text("/sandbox_id")).isEqualTo(sandbox);
        assertThat(status.text("/expires_at")).isEqualTo(s.get("expires_at").asText());

        Reply listed = api.get("/api/v1/sandboxes?status=running&limit=500&offset=0", "X-API-Key", key);
        assertThat(listed.body().get("total").asLong()).isPositive();
        assertThat(listed.raw()).contains(sandbox);

        Reply templates = api.get("/api/v1/templates", "X-API-Key", key);
        assertThat(templates.body().get("templates")).extracting(t -> t.get("name").asText()).containsExactly("python-basic", "node-basic");
        assertThat(templates.text("/templates/0/image")).isEqualTo("stateset-sandbox/python-basic:latest");
    }

    @Test
    void commandsRunAsShellStringsOrArgvWithEnvAndWorkingDir() {
        Reply python = exec(sandbox, "python3 -c 'print(2+2)'");
        assertThat(python.status()).isEqualTo(200);
        assertThat(python.text("/stdout")).isEqualTo("4\n");
        assertThat(python.text("/exit_code")).isEqualTo("0");
        assertThat(python.body().get("duration_ms").asLong()).isNotNegative();
        assertThat(python.text("/timed_out")).isEqualTo("false");

        assertThat(exec(sandbox, List.of("printf", "%s|", "a b", "$GREETING")).text("/stdout")).isEqualTo("a b|$GREETING|");
        Reply env = exec(sandbox, "echo $GREETING $ANSWER $EXTRA; pwd; id -u; echo oops >&2; exit 7",
                "env", Map.of("EXTRA", "there"), "working_dir", "/tmp");
        assertThat(env.text("/stdout")).isEqualTo("hello 42 there\n/tmp\n1000\n");
        assertThat(env.text("/stderr")).isEqualTo("oops\n");
        assertThat(env.text("/exit_code")).isEqualTo("7");

        Reply slow = exec(sandbox, "sleep 30", "timeout", 1000);
        assertThat(slow.text("/exit_code")).isEqualTo("124");
        assertThat(slow.text("/timed_out")).isEqualTo("true");

        assertThat(exec(sandbox, "tr '\\0' ' ' < /proc/$PPID/cmdline").text("/stdout")).as("commands go through the agent")
                .isEqualTo("/.stateset/stateset-agent keeper ");
    }

    @Test
    void nodeSandboxesRunNode() {
        String node = create(Map.of("template", "node-basic")).text("/id");
        assertThat(exec(node, "node -e 'console.log(2+2)'").text("/stdout")).isEqualTo("4\n");
    }

    @Test
    void streamingSendsOutputAsItIsProduced() throws Exception {
        // The command cannot finish until the test, having read "first", creates /tmp/go: buffered
        // output would never arrive and the command would time out.
        HttpResponse<InputStream> response = api.stream("/api/v1/sandbox/" + sandbox + "/execute",
                Map.of("command", "rm -f /tmp/go; echo first; while [ ! -e /tmp/go ]; do sleep 0.05; done; echo second >&2; exit 3",
                        "stream", true, "timeout", 30000), "X-API-Key", key);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    continue;
                }
                assertThat(line).startsWith("data: ");
                JsonNode event = MAPPER.readTree(line.substring("data: ".length()));
                events.add(event);
                if (event.get("type").asText().equals("stdout") && event.get("data").asText().contains("first")) {
                    assertThat(exec(sandbox, "touch /tmp/go").text("/exit_code")).isEqualTo("0");
                }
            }
        }
        assertThat(events).extracting(e -> e.get("type").asText()).containsExactly("stdout", "stderr", "exit", "done");
        assertThat(events.get(1).get("data").asText()).isEqualTo("second\n");
        assertThat(events.get(2).get("code").asInt()).isEqualTo(3);
    }

    @Test
    void filesAreWrittenAndReadWithTheSandboxUsersPermissions() {
        Reply written = api.post("/api/v1/sandbox/" + sandbox + "/files", Map.of("files", List.of(
                Map.of("path", "project/main.py", "content", "print('hi')\n", "encoding", "utf8"),
                Map.of("path", "/tmp/data.bin", "content", Base64.getEncoder().encodeToString(new byte[] {0, 1, 2, (byte) 255})))),
                "X-API-Key", key);
        assertThat(written.status()).as(written.raw()).isEqualTo(200);
        assertThat(written.text("/success")).isEqualTo("true");
        assertThat(written.text("/files/0/path")).isEqualTo("/workspace/project/main.py");
        assertThat(written.text("/files/0/size")).isEqualTo("12");
        assertThat(written.text("/files/1/size")).isEqualTo("4");

        assertThat(exec(sandbox, "python3 /workspace/project/main.py; stat -c '%U %a' /workspace/project/main.py /workspace/project")
                .text("/stdout")).isEqualTo("hi\nsandbox 644\nsandbox 755\n");
        Reply read = api.get("/api/v1/sandbox/" + sandbox + "/files?path=/tmp/data.bin", "X-API-Key", key);
        assertThat(read.text("/path")).isEqualTo("/tmp/data.bin");
        assertThat(Base64.getDecoder().decode(read.text("/content"))).containsExactly(0, 1, 2, 255);
        assertThat(read.text("/size")).isEqualTo("4");

        exec(sandbox, "echo secret > /workspace/locked; chmod 000 /workspace/locked; mkdir -p /workspace/dir");
        assertThat(api.get("/api/v1/sandbox/" + sandbox + "/files?path=/workspace/locked", "X-API-Key", key).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/sandbox/" + sandbox + "/files?path=/workspace/missing", "X-API-Key", key).errorCode()).isEqualTo("FILE_NOT_FOUND");
        assertField(api.get("/api/v1/sandbox/" + sandbox + "/files?path=/workspace/dir", "X-API-Key", key), 409, "path");

        exec(sandbox, "ln -sfn /root /workspace/root-link");
        Reply through = api.get("/api/v1/sandbox/" + sandbox + "/files?path=/workspace/root-link/.profile", "X-API-Key", key);
        assertThat(through.status()).as("a link into a directory the user cannot enter").isIn(403, 404);
        assertThat(through.body().has("content")).isFalse();

        exec(sandbox, "ln -sf /etc /workspace/etc-link");
        Reply escape = api.post("/api/v1/sandbox/" + sandbox + "/files", Map.of("files", List.of(
                Map.of("path", "etc-link/evil", "content", "x", "encoding", "utf8"))), "X-API-Key", key);
        assertThat(escape.status()).isEqualTo(403);
        assertThat(exec(sandbox, "ls /etc/evil 2>&1 || echo absent").text("/stdout")).contains("absent");
    }

    @Test
    void filesRefuseBadPathsAndOversizedContent() {
        String files = "/api/v1/sandbox/" + sandbox + "/files";
        assertField(api.post(files, Map.of("files", List.of(Map.of("path", "../etc/passwd", "content", "x"))), "X-API-Key", key), 400, "files[0].path");
        assertField(api.post(files, Map.of("files", List.of(Map.of("path", "/etc/passwd", "content", "eA=="))), "X-API-Key", key), 400, "files[0].path");
        assertField(api.post(files, Map.of("files", List.of(Map.of("path", "a", "content", "eA=="), Map.of("path", "b\u0000c", "content", "eA=="))), "X-API-Key", key), 400, "files[1].path");
        assertField(api.post(files, Map.of("files", List.of(Map.of("path", "a", "content", "not base64!"))), "X-API-Key", key), 400, "files[0].content");
        assertField(api.post(files, Map.of("files", List.of(Map.of("path", "a", "content", "x", "encoding", "rot13"))), "X-API-Key", key), 400, "files[0].encoding");
        assertField(api.post(files, Map.of("files", List.of()), "X-API-Key", key), 400, "files");
        assertField(api.get(files + "?path=/workspace/../etc/shadow", "X-API-Key", key), 400, "path");

        String big = Base64.getEncoder().encodeToString(new byte[(1 << 20) + 1]);
        assertField(api.post(files, Map.of("files", List.of(Map.of("path", "big", "content", big))), "X-API-Key", key), 413, "files[0].content");
        List<Map<String, String>> many = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            many.add(Map.of("path", "f" + i, "content", ""));
        }
        assertField(api.post(files, Map.of("files", many), "X-API-Key", key), 413, "files");
        String huge = Base64.getEncoder().encodeToString(new byte[5 << 20]);
        Reply tooLarge = api.post(files, Map.of("files", List.of(Map.of("path", "huge", "content", huge))), "X-API-Key", key);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.errorCode()).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(exec(sandbox, "for f in big huge f0; do [ -e /workspace/$f ] && echo written $f; done; echo checked").text("/stdout"))
                .as("refused requests write nothing").isEqualTo("checked\n");
    }

    @Test
    void createRefusesBadInputNamingTheField() {
        assertField(api.post("/api/v1/sandbox/create", Map.of("cpus", "lots"), "X-API-Key", key), 400, "cpus");
        assertField(api.post("/api/v1/sandbox/create", Map.of("cpus", "3"), "X-API-Key", key), 400, "cpus");
        assertField(api.post("/api/v1/sandbox/create", Map.of("memory", "2Gi"), "X-API-Key", key), 400, "memory");
        assertField(api.post("/api/v1/sandbox/create", Map.of("memory", "12 GB"), "X-API-Key", key), 400, "memory");
        Reply template = api.post("/api/v1/sandbox/create", Map.of("template", "cobol-basic"), "X-API-Key", key);
        assertField(template, 400, "template");
        assertThat(template.body().at("/error/details/allowed")).extracting(JsonNode::asText).containsExactly("python-basic", "node-basic");
        assertField(api.post("/api/v1/sandbox/create", Map.of("timeout_seconds", "soon"), "X-API-Key", key), 400, "timeout_seconds");
        assertField(api.post("/api/v1/sandbox/create", Map.of("timeout_seconds", 0), "X-API-Key", key), 400, "timeout_seconds");
        assertField(api.post("/api/v1/sandbox/create", Map.of("env", List.of("A=1")), "X-API-Key", key), 400, "env");
        assertField(api.post("/api/v1/sandbox/create", Map.of("env", Map.of("1BAD", "x")), "X-API-Key", key), 400, "env.1BAD");
        assertField(api.post("/api/v1/sandbox/create", Map.of("metadata", "text"), "X-API-Key", key), 400, "metadata");
        assertField(api.post("/api/v1/sandbox/create", Map.of("cpus", "0000000000000000000000001"), "X-API-Key", key), 400, "cpus");
        Map<String, String> bigEnv = new HashMap<>();
        for (int i = 0; i < 5; i++) {
            bigEnv.put("V" + i, "x".repeat(20_000));
        }
        assertField(api.post("/api/v1/sandbox/create", Map.of("env", bigEnv), "X-API-Key", key), 400, "env");
        Reply malformed = api.post("/api/v1/sandbox/create", "{\"template\": \"python-basic\"", "X-API-Key", key);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.text("/error/message")).startsWith("malformed JSON");
        assertThat(api.post("/api/v1/sandbox/create", "[]", "X-API-Key", key).status()).isEqualTo(400);
        Reply fork = api.post("/api/v1/sandbox/create", Map.of("checkpoint_id", "chk_1"), "X-API-Key", key);
        assertThat(fork.errorCode()).isEqualTo("CHECKPOINT_NOT_FOUND");
        assertThat(DockerCli.containersLabelled("io.stateset.sandbox.org=" + api.get("/api/v1/sandbox/" + sandbox, "X-API-Key", key).text("/org_id")))
                .as("no container was made for a refused request").hasSize(runningCount());
    }

    private static int runningCount() {
        return api.get("/api/v1/sandboxes?status=running", "X-API-Key", key).body().get("total").asInt();
    }

    @Test
    void executeRefusesBadInput() {
        assertField(exec(sandbox, null), 400, "command");
        assertField(exec(sandbox, 42), 400, "command");
        assertField(exec(sandbox, List.of()), 400, "command");
        assertField(exec(sandbox, List.of("ls", 3)), 400, "command[1]");
        assertField(exec(sandbox, "ls", "timeout", -5), 400, "timeout");
        assertField(exec(sandbox, "ls", "timeout", 999_999_999_999L), 400, "timeout");
        assertField(exec(sandbox, "ls", "working_dir", "relative"), 400, "working_dir");
        assertField(exec(sandbox, "ls", "env", Map.of("A-B", "x")), 400, "env.A-B");
        assertField(exec(sandbox, "ls", "stream", "maybe"), 400, "stream");
        assertThat(exec("sbx_doesnotexist", "ls").status()).isEqualTo(404);
    }

    @Test
    void anotherOrganizationsSandboxAnswersNotFound() {
        String stranger = api.register("Stranger Org");
        String base = "/api/v1/sandbox/" + sandbox;
        for (Reply reply : List.of(
                api.get(base, "X-API-Key", stranger),
                api.get(base + "/status", "X-API-Key", stranger),
                api.post(base + "/execute", Map.of("command", "id"), "X-API-Key", stranger),
                api.post(base + "/files", Map.of("files", List.of(Map.of("path", "a", "content", ""))), "X-API-Key", stranger),
                api.get(base + "/files?path=/workspace/a", "X-API-Key", stranger),
                api.post(base + "/stop", "", "X-API-Key", stranger),
                api.delete(base, "X-API-Key", stranger))) {
            assertThat(reply.status()).as(reply.raw()).isEqualTo(404);
            assertThat(reply.errorCode()).isEqualTo("SANDBOX_NOT_FOUND");
        }
        assertThat(api.get(base + "/status", "X-API-Key", key).text("/status")).isEqualTo("running");
        assertThat(api.get("/api/v1/sandboxes", "X-API-Key", stranger).body().get("total").asInt()).isZero();
    }

    @Test
    void stopFreesTheSandboxAndLaterCallsConflict() {
        String id = create(Map.of()).text("/id");
        assertThat(DockerCli.run("inspect", id).exitCode()).isZero();
        assertThat(api.post("/api/v1/sandbox/" + id + "/stop", "", "X-API-Key", key).text("/success")).isEqualTo("true");
        Reply after = api.get("/api/v1/sandbox/" + id, "X-API-Key", key);
        assertThat(after.text("/status")).isEqualTo("terminated");
        assertThat(after.text("/status_reason")).isEqualTo("stopped by request");
        assertThat(after.text("/ended_at")).isNotNull();
        assertThat(DockerCli.run("inspect", id).exitCode()).as("container removed").isNotZero();
        assertThat(DockerCli.run("volume", "ls", "-q", "--filter", "label=io.stateset.sandbox.id=" + id).lines()).as("volumes removed").isEmpty();

        Reply execAfter = exec(id, "ls");
        assertThat(execAfter.status()).isEqualTo(409);
        assertThat(execAfter.errorCode()).isEqualTo("CONFLICT");
        assertThat(api.post("/api/v1/sandbox/" + id + "/files", Map.of("files", List.of(Map.of("path", "a", "content", ""))),
                "X-API-Key", key).status()).isEqualTo(409);
        assertThat(api.post("/api/v1/sandbox/" + id + "/stop", "", "X-API-Key", key).status()).as("idempotent").isEqualTo(200);

        assertThat(api.delete("/api/v1/sandbox/" + id, "X-API-Key", key).text("/success")).isEqualTo("true");
        assertThat(api.get("/api/v1/sandbox/" + id, "X-API-Key", key).status()).isEqualTo(404);
    }

    @Test
    void anExpiredSandboxStopsByItself() {
        String id = create(Map.of("timeout_seconds", 2)).text("/id");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "terminated".equals(api.get("/api/v1/sandbox/" + id + "/status", "X-API-Key", key).text("/status")));
        assertThat(api.get("/api/v1/sandbox/" + id, "X-API-Key", key).text("/status_reason")).startsWith("expired");
        assertThat(DockerCli.run("inspect", id).exitCode()).isNotZero();
    }

    @Test
    void outputFloodsAreCappedAndReportedTruncated() {
        Reply flood = exec(sandbox, "yes flood | head -c 50000000; echo done >&2", "timeout", 60000);
        assertThat(flood.status()).isEqualTo(200);
        assertThat(flood.text("/truncated")).isEqualTo("true");
        assertThat(flood.text("/stdout")).hasSize(1 << 20);
        assertThat(flood.text("/stderr")).isEqualTo("done\n");
        assertThat(api.get("/health").status()).isEqualTo(200);
    }

    @Test
    void bombsAreContainedAndOtherSandboxesUnharmed() {
        String victim = create(Map.of()).text("/id");
        String neighbour = create(Map.of()).text("/id");
        // In a subshell: the parent forks the first two bombs itself, and once the first has taken
        // every pid the second fork can fail and end the command at once, leaving the bomb behind
        // (that case is ProcessFloodIT's); here the command must run into its timeout.
        Reply fork = exec(victim, "bomb() { bomb | bomb & }; (bomb); exec sleep 20", "timeout", 5000);
        assertThat(fork.status()).isEqualTo(200);
        assertThat(fork.text("/timed_out")).as(fork.raw()).isEqualTo("true");
        assertThat(exec(neighbour, "echo fine").text("/stdout")).isEqualTo("fine\n");

        Reply memory = exec(victim, "python3 -c 'x = bytearray(1 << 30); print(len(x))'", "timeout", 30000);
        assertThat(memory.text("/exit_code")).isNotEqualTo("0");
        assertThat(memory.text("/stdout")).isEmpty();
        assertThat(exec(victim, "echo survived").text("/stdout")).isEqualTo("survived\n");
        assertThat(api.get("/api/v1/sandbox/" + victim + "/status", "X-API-Key", key).text("/status")).isEqualTo("running");

        Reply disk = exec(victim, "dd if=/dev/zero of=/workspace/fill bs=1M count=100 2>&1; echo rc=$?");
        assertThat(disk.text("/stdout")).contains("No space left on device").contains("rc=1");
        assertThat(api.get("/health").status()).isEqualTo(200);
    }

    @Test
    void networkIsOffUnlessAsked() {
        assertThat(exec(sandbox, "cat /proc/net/dev").text("/stdout")).doesNotContain("eth0");
        String online = create(Map.of("network", true)).text("/id");
        assertThat(api.get("/api/v1/sandbox/" + online, "X-API-Key", key).text("/network")).isEqualTo("true");
        assertThat(exec(online, "cat /proc/net/dev").text("/stdout")).contains("eth0");
    }
}
