package com.stateset.sandbox.server.api;

import static com.stateset.sandbox.server.api.AuthApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.ApiClient;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.SseStream;
import com.stateset.sandbox.server.testing.SseStream.Event;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Background processes through the API, in real sandboxes: started detached, fed, signalled, waited
 * for, and their output reattached from a byte offset after the client went away and after the
 * server restarted, without a byte lost or repeated.
 */
@ExtendWith(RequireDocker.class)
class ProcessApiIT {

    /** Events until (and with) the first whose output so far contains {@code text}, or the exit. */
    private static List<Event> until(SseStream stream, String text) throws InterruptedException {
        return stream.until(seen -> seen.get(seen.size() - 1).data().get("type").asText().equals("exit") || output(seen).contains(text));
    }

    static String output(List<Event> events) {
        return events.stream().filter(e -> e.data().has("data")).map(e -> e.data().get("data").asText()).collect(Collectors.joining());
    }

    static String lines(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
    }

    @Test
    void aProcessIsReattachedFromItsOffsetAfterTheClientWentAwayAndAfterTheServerRestarted() throws Exception {
        String database = TestServer.memoryDatabase();
        DropwizardAppExtension<SandboxConfiguration> app = TestServer.create(database);
        app.before();
        String key;
        String sandbox;
        String process;
        String resumeAt;
        try {
            ApiClient api = new ApiClient(app.getLocalPort());
            key = api.register("Process Restart Org");
            sandbox = api.post("/api/v1/sandbox/create", Map.of("template", "python-basic"), "X-API-Key", key).text("/id");
            Reply started = api.post("/api/v1/sandbox/" + sandbox + "/processes", Map.of("command",
                    "for i in $(seq 0 9); do echo line $i; done; read go; for i in $(seq 10 19); do echo line $i; done; exit 4"),
                    "X-API-Key", key);
            assertThat(started.status()).as(started.raw()).isEqualTo(201);
            process = started.text("/id");
            assertThat(process).matches("proc_[0-9a-f]{12}");
            assertThat(started.text("/status")).isEqualTo("running");
            assertThat(started.text("/sandbox_id")).isEqualTo(sandbox);

            String path = "/api/v1/sandbox/" + sandbox + "/processes/" + process + "/output";
            List<Event> first;
            try (SseStream stream = new SseStream(app.getLocalPort(), key, path, null)) {
                assertThat(stream.status()).isEqualTo(200);
                first = until(stream, "line 9\n");
            }
            assertThat(output(first)).isEqualTo(lines(0, 10));
            resumeAt = first.get(first.size() - 1).id();
            assertThat(resumeAt).isEqualTo(String.valueOf(lines(0, 10).length()));
            // The client went away; it comes back from the middle, by offset.
            try (SseStream stream = new SseStream(app.getLocalPort(), key, path + "?offset=" + lines(0, 5).length(), null)) {
                assertThat(output(until(stream, "line 9\n"))).isEqualTo(lines(5, 10));
            }
        } finally {
            app.after();
        }

        DropwizardAppExtension<SandboxConfiguration> restarted = TestServer.create(database);
        restarted.before();
        try {
            ApiClient api = new ApiClient(restarted.getLocalPort());
            String base = "/api/v1/sandbox/" + sandbox + "/processes/";
            Reply listed = api.get("/api/v1/sandbox/" + sandbox + "/processes", "X-API-Key", key);
            assertThat(listed.status()).as(listed.raw()).isEqualTo(200);
            assertThat(listed.body().get("processes")).hasSize(1);
            assertThat(listed.text("/processes/0/id")).isEqualTo(process);
            assertThat(api.post(base + process + "/input", Map.of("data", "go\n"), "X-API-Key", key).status()).isEqualTo(204);
            try (SseStream stream = new SseStream(restarted.getLocalPort(), key, base + process + "/output", resumeAt)) {
                List<Event> rest = until(stream, "never printed");
                assertThat(output(rest)).as("nothing lost, nothing repeated").isEqualTo(lines(10, 20));
                JsonNode exit = rest.get(rest.size() - 1).data();
                assertThat(exit.get("type").asText()).isEqualTo("exit");
                assertThat(exit.get("exit_code").asInt()).isEqualTo(4);
            }
            Reply waited = api.post(base + process + "/wait?timeout=5", "", "X-API-Key", key);
            assertThat(waited.text("/status")).isEqualTo("exited");
            assertThat(waited.body().get("exit_code").asInt()).isEqualTo(4);
            assertThat(waited.body().get("output_end").asLong()).isEqualTo(lines(0, 20).length());
            api.post("/api/v1/sandbox/" + sandbox + "/stop", "", "X-API-Key", key);
        } finally {
            restarted.after();
        }
    }

    @Test
    void processesAreFedSignalledResizedAndRemovedAndBadInputIsRefusedByField() throws Exception {
        DropwizardAppExtension<SandboxConfiguration> app = TestServer.create();
        app.before();
        try {
            ApiClient api = new ApiClient(app.getLocalPort());
            String key = api.register("Process Org");
            String sandbox = api.post("/api/v1/sandbox/create", Map.of("template", "python-basic", "env", Map.of("GREETING", "hello")),
                    "X-API-Key", key).text("/id");
            String base = "/api/v1/sandbox/" + sandbox + "/processes";

            // Input, then its end: cat echoes what it is given and ends.
            String cat = api.post(base, Map.of("command", List.of("cat"), "env", Map.of("X", "1")), "X-API-Key", key).text("/id");
            assertThat(api.post(base + "/" + cat + "/input", Map.of("data", "fed\n", "eof", true), "X-API-Key", key).status()).isEqualTo(204);
            Reply catDone = api.post(base + "/" + cat + "/wait?timeout=30", "", "X-API-Key", key);
            assertThat(catDone.text("/status")).as(catDone.raw()).isEqualTo("exited");
            assertThat(catDone.body().get("exit_code").asInt()).isZero();
            try (SseStream stream = new SseStream(app.getLocalPort(), key, base + "/" + cat + "/output?encoding=base64", null)) {
                List<Event> events = until(stream, "never");
                assertThat(new String(Base64.getDecoder().decode(events.get(0).data().get("data").asText()), StandardCharsets.UTF_8))
                        .isEqualTo("fed\n");
                assertThat(events.get(0).data().get("type").asText()).isEqualTo("stdout");
            }

            // A signal by name ends a long process; a wait that ends first says it still runs.
            String sleeper = api.post(base, Map.of("command", "sleep 300"), "X-API-Key", key).text("/id");
            assertThat(api.post(base + "/" + sleeper + "/wait?timeout=0", "", "X-API-Key", key).text("/status")).isEqualTo("running");
            assertThat(api.post(base + "/" + sleeper + "/signal", Map.of("signal", "SIGTERM"), "X-API-Key", key).status()).isEqualTo(204);
            Reply ended = api.post(base + "/" + sleeper + "/wait", "", "X-API-Key", key);
            assertThat(ended.body().get("exit_code").asInt()).isEqualTo(143);
            assertThat(ended.body().get("signal").asInt()).isEqualTo(15);
            Reply again = api.post(base + "/" + sleeper + "/signal", Map.of("signal", 9), "X-API-Key", key);
            assertThat(again.status()).as("an exited process is not signalled: " + again.raw()).isEqualTo(409);

            // On a terminal, resized; its environment is the sandbox's.
            String shell = api.post(base, Map.of("command", "stty size; read x; stty size; echo $GREETING", "pty", true, "cols", 90,
                    "rows", 30), "X-API-Key", key).text("/id");
            await().atMost(Duration.ofSeconds(30)).until(() -> api.get(base + "/" + shell, "X-API-Key", key).body()
                    .get("output_end").asLong() > 0); // the first size is printed before the resize
            assertThat(api.post(base + "/" + shell + "/resize", Map.of("cols", 100, "rows", 40), "X-API-Key", key).status()).isEqualTo(204);
            api.post(base + "/" + shell + "/input", Map.of("data", "\r"), "X-API-Key", key);
            api.post(base + "/" + shell + "/wait", "", "X-API-Key", key);
            try (SseStream stream = new SseStream(app.getLocalPort(), key, base + "/" + shell + "/output", null)) {
                assertThat(output(until(stream, "never"))).contains("30 90").contains("40 100").contains("hello");
            }

            // Past its buffer, an attach from 0 is told what was dropped.
            String flood = api.post(base, Map.of("command", "head -c 5000 /dev/zero | tr '\\0' x", "buffer_bytes", 1024),
                    "X-API-Key", key).text("/id");
            api.post(base + "/" + flood + "/wait", "", "X-API-Key", key);
            try (SseStream stream = new SseStream(app.getLocalPort(), key, base + "/" + flood + "/output", null)) {
                List<Event> events = until(stream, "never");
                JsonNode gap = events.get(0).data();
                assertThat(gap.get("type").asText()).isEqualTo("gap");
                assertThat(gap.get("requested_offset").asLong()).isZero();
                long kept = 5000 - gap.get("offset").asLong();
                assertThat(output(events)).hasSize((int) kept);
                assertThat(kept).isBetween(1L, 1024L);
            }

            assertThat(api.get(base, "X-API-Key", key).body().get("processes")).hasSize(4);
            assertThat(api.delete(base + "/" + flood, "X-API-Key", key).status()).isEqualTo(204);
            Reply gone = api.get(base + "/" + flood, "X-API-Key", key);
            assertThat(gone.status()).isEqualTo(404);
            assertThat(gone.errorCode()).isEqualTo("PROCESS_NOT_FOUND");
            assertThat(api.get(base + "/proc_../../x", "X-API-Key", key).status()).isEqualTo(404);
            assertThat(api.get(base + "/proc_0123456789ab", "X-API-Key", key).errorCode()).isEqualTo("PROCESS_NOT_FOUND");

            assertField(api.post(base, Map.of(), "X-API-Key", key), 400, "command");
            assertField(api.post(base, Map.of("command", "true", "buffer_bytes", 10), "X-API-Key", key), 400, "buffer_bytes");
            assertField(api.post(base, Map.of("command", "true", "cols", 80), "X-API-Key", key), 400, "cols");
            assertField(api.post(base, Map.of("command", "true", "pty", true, "rows", 0), "X-API-Key", key), 400, "rows");
            assertField(api.post(base, Map.of("command", "true", "working_dir", "relative"), "X-API-Key", key), 400, "working_dir");
            assertField(api.post(base + "/" + cat + "/signal", Map.of("signal", "SIGNOPE"), "X-API-Key", key), 400, "signal");
            assertField(api.post(base + "/" + cat + "/signal", Map.of("signal", 65), "X-API-Key", key), 400, "signal");
            assertField(api.post(base + "/" + cat + "/input", Map.of(), "X-API-Key", key), 400, "data");
            assertField(api.post(base + "/" + cat + "/input", Map.of("data", "x".repeat(1024 * 1024 + 1)), "X-API-Key", key), 413, "data");
            assertField(api.post(base + "/" + shell + "/resize", Map.of("cols", 80), "X-API-Key", key), 400, "rows");
            assertField(api.post(base + "/" + cat + "/wait?timeout=100000", "", "X-API-Key", key), 400, "timeout");
            assertField(api.get(base + "/" + cat + "/output?offset=999999", "X-API-Key", key), 400, "offset");
            assertField(api.get(base + "/" + cat + "/output?offset=-1", "X-API-Key", key), 400, "offset");
            assertField(api.get(base + "/" + cat + "/output?encoding=hex", "X-API-Key", key), 400, "encoding");

            // Another organization's sandbox is no sandbox of the caller's.
            String other = api.register("Process Other Org");
            assertThat(api.get(base + "/" + cat, "X-API-Key", other).status()).isEqualTo(404);
            assertThat(api.post(base, Map.of("command", "true"), "X-API-Key", other).status()).isEqualTo(404);
            api.post("/api/v1/sandbox/" + sandbox + "/stop", "", "X-API-Key", key);
        } finally {
            app.after();
        }
    }
}
