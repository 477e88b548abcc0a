package com.stateset.sandbox.server.api;

import static com.stateset.sandbox.server.api.AuthApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;

import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.SseStream;
import com.stateset.sandbox.server.testing.SseStream.Event;
import com.stateset.sandbox.server.testing.Session;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The organization's events as server-sent events from the outbox: live, filtered, and resumed
 * after a reconnect and after the server restarted, without an event lost or repeated.
 */
@ExtendWith(RequireDocker.class)
class EventStreamIT {

    /** Events until (and with) the first of {@code type} about {@code sandbox}. */
    private static List<Event> until(SseStream stream, String type, String sandbox) throws InterruptedException {
        return stream.until(seen -> {
            Event last = seen.get(seen.size() - 1);
            return last.event().equals(type) && sandbox.equals(last.data().path("sandboxId").asText());
        });
    }

    @Test
    void eventsAreStreamedLiveAndResumedAfterAReconnectAndARestartWithoutLossOrRepetition() throws Exception {
        String database = TestServer.memoryDatabase();
        DropwizardAppExtension<SandboxConfiguration> app = TestServer.create(database);
        app.before();
        String key;
        List<Event> firstPart;
        String first;
        try {
            Session session = Session.register(app.getLocalPort(), "Stream Org");
            key = session.key();
            Session other = Session.register(app.getLocalPort(), "Stream Other");
            try (SseStream stream = new SseStream(app.getLocalPort(), key, "/api/v1/events/stream", null)) {
                assertThat(stream.status()).isEqualTo(200);
                other.sandbox(Map.of()); // another organization's: never seen
                first = session.sandbox(Map.of());
                firstPart = until(stream, "sandbox.ready", first);
            }
            assertThat(firstPart).extracting(Event::event).containsExactly("sandbox.created", "sandbox.ready");
            Event created = firstPart.get(0);
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
            try (SseStream stream = new SseStream(restarted.getLocalPort(), key, "/api/v1/events/stream", resumeAfter)) {
                List<Event> missed = until(stream, "sandbox.stopped", first);
                assertThat(missed).extracting(Event::event)
                        .containsExactly("command.started", "command.completed", "sandbox.stopped");
                assertThat(missed).extracting(Event::id).doesNotContainAnyElementsOf(firstPart.stream().map(Event::id).toList());
            }
            // By event id too, with a filter on type.
            String createdId = firstPart.get(0).data().get("id").asText();
            try (SseStream stream = new SseStream(restarted.getLocalPort(), key, "/api/v1/events/stream?types=command.completed&lastEventId=" + createdId, null)) {
                Event only = stream.next();
                assertThat(only.event()).isEqualTo("command.completed");
                assertThat(only.data().get("sandboxId").asText()).isEqualTo(first);
            }
            Session session = Session.register(restarted.getLocalPort(), "Stream Bad Input");
            assertField(session.get("/api/v1/events/stream?types=sandbox.exploded"), 400, "types");
            assertField(session.get("/api/v1/events/stream?lastEventId=evt_not-an-id"), 400, "Last-Event-ID");
            Reply othersEvent = session.get("/api/v1/events/stream?lastEventId=" + createdId);
            assertThat(othersEvent.status()).as("another organization's event: " + othersEvent.raw()).isEqualTo(404);
            assertThat(othersEvent.text("/error/message")).contains("Last-Event-ID");
            assertThat(session.api().get("/api/v1/events/stream").status()).as("a credential is needed").isEqualTo(401);
        } finally {
            restarted.after();
        }
    }
}
