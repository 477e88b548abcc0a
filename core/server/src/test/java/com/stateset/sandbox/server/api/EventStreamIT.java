package com.stateset.sandbox.server.api;

import static com.stateset.sandbox.server.api.AuthApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.Session;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The organization's events as server-sent events from the outbox: live, filtered, and resumed
 * after a reconnect and after the server restarted, without an event lost or repeated.
 */
@ExtendWith(RequireDocker.class)
class EventStreamIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    /** One parsed SSE event. */
    record Sse(String id, String event, JsonNode data) {
    }

    /** An open stream whose events a reader thread queues. */
    final class Stream implements AutoCloseable {
        private final BlockingQueue<Sse> events = new ArrayBlockingQueue<>(1000);
        private final InputStream body;
        final int status;

        Stream(int port, String key, String query, String lastEventId) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/events/stream" + query))
                    .header("X-API-Key", key).header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            body = response.body();
            Thread.ofVirtual().start(this::read);
        }

        private void read() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String id = null;
                String event = null;
                StringBuilder data = new StringBuilder();
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.isEmpty()) {
                        if (!data.isEmpty()) {
                            events.put(new Sse(id, event, MAPPER.readTree(data.toString())));
                        }
                        event = null;
                        data.setLength(0);
                    } else if (line.startsWith("id: ")) {
                        id = line.substring(4);
                    } else if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        data.append(line.substring(6));
                    }
                }
            } catch (IOException | InterruptedException closed) {
                // the test closed the stream
            }
        }

        Sse next() throws InterruptedException {
            Sse event = events.poll(30, TimeUnit.SECONDS);
            assertThat(event).as("an event within 30 s").isNotNull();
            return event;
        }

        /** Events until (and with) the first of {@code type} about {@code sandbox}. */
        List<Sse> until(String type, String sandbox) throws InterruptedException {
            List<Sse> seen = new ArrayList<>();
            while (true) {
                Sse event = next();
                seen.add(event);
                if (event.event().equals(type) && sandbox.equals(event.data().path("sandboxId").asText())) {
                    return seen;
                }
            }
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void eventsAreStreamedLiveAndResumedAfterAReconnectAndARestartWithoutLossOrRepetition() throws Exception {
        String database = TestServer.memoryDatabase();
        DropwizardAppExtension<SandboxConfiguration> app = TestServer.create(database);
        app.before();
        String key;
        List<Sse> firstPart;
        String first;
        try {
            Session session = Session.register(app.getLocalPort(), "Stream Org");
            key = session.key();
            Session other = Session.register(app.getLocalPort(), "Stream Other");
            try (Stream stream = new Stream(app.getLocalPort(), key, "", null)) {
                assertThat(stream.status).isEqualTo(200);
                other.sandbox(Map.of()); // another organization's: never seen
                first = session.sandbox(Map.of());
                firstPart = stream.until("sandbox.ready", first);
            }
            assertThat(firstPart).extracting(Sse::event).containsExactly("sandbox.created", "sandbox.ready");
            Sse created = firstPart.get(0);
            assertThat(created.data().get("event").asText()).isEqualTo("sandbox.created");
            assertThat(created.data().get("orgId").asText()).isEqualTo(session.get("/api/v1/sandbox/" + first).text("/org_id"));
            assertThat(created.data().get("id").asText()).startsWith("evt_");
            assertThat(Long.parseLong(firstPart.get(1).id())).isGreaterThan(Long.parseLong(created.id()));

            // While nobody listens: a command, then a stop; the server restarts in between.
            session.sh(first, "true");
            session.stopAll();
            other.stopAll();
        } finally {
            app.after();
        }
        DropwizardAppExtension<SandboxConfiguration> restarted = TestServer.create(database);
        restarted.before();
        try {
            String resumeAfter = firstPart.get(firstPart.size() - 1).id();
            try (Stream stream = new Stream(restarted.getLocalPort(), key, "", resumeAfter)) {
                List<Sse> missed = stream.until("sandbox.stopped", first);
                assertThat(missed).extracting(Sse::event)
                        .containsExactly("command.started", "command.completed", "sandbox.stopped");
                assertThat(missed).extracting(Sse::id).doesNotContainAnyElementsOf(firstPart.stream().map(Sse::id).toList());
            }
            // By event id too, with a filter on type.
            String createdId = firstPart.get(0).data().get("id").asText();
            try (Stream stream = new Stream(restarted.getLocalPort(), key, "?types=command.completed&lastEventId=" + createdId, null)) {
                Sse only = stream.next();
                assertThat(only.event()).isEqualTo("command.completed");
                assertThat(only.data().get("sandboxId").asText()).isEqualTo(first);
            }
            Session session = Session.register(restarted.getLocalPort(), "Stream Bad Input");
            assertField(session.get("/api/v1/events/stream?types=sandbox.exploded"), 400, "types");
            assertField(session.get("/api/v1/events/stream?lastEventId=evt_not_ours"), 400, "Last-Event-ID");
            assertThat(session.api().get("/api/v1/events/stream").status()).as("a credential is needed").isEqualTo(401);
        } finally {
            restarted.after();
        }
    }
}
