package com.stateset.sandbox.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** The organization's events, as webhooks receive them, as they happen. */
public final class Events {

    private static final int MAX_BROKEN_IN_A_ROW = 10;
    /** The server's {@code retry: 3000}. */
    private static final Duration RECONNECT = Duration.ofSeconds(3);

    private final Transport http;

    Events(Transport http) {
        this.http = http;
    }

    /**
     * The events after {@code lastEventId} (null: from now; {@code "0"}: every event kept), of these
     * types (empty: all) and this sandbox (null: all), until the stream is closed. A broken
     * connection (a server restart) is resumed after the last event received: none is lost or repeated.
     */
    public Stream<Event> stream(String lastEventId, List<String> types, String sandboxId) {
        Follower follower = new Follower(lastEventId, types, sandboxId);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(follower, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(follower::close);
    }

    /**
     * An event: {@code number} is its place in the stream (resume after it), {@code id} its own id
     * ({@code evt_...}), {@code event} its type, {@code data} its facts.
     */
    public record Event(String number, String id, String event, String timestamp, String sandboxId, String orgId, JsonNode data) {
    }

    private final class Follower extends Pulling<Event> {
        private final List<String> types;
        private final String sandboxId;
        private String last;
        private InputStream body;
        private Iterator<ServerSentEvents.Event> events;
        private int broken;

        Follower(String lastEventId, List<String> types, String sandboxId) {
            this.last = lastEventId;
            this.types = types;
            this.sandboxId = sandboxId;
        }

        @Override
        protected Event pull() {
            try {
                if (events == null) {
                    Transport.Call call = new Transport.Call("GET", "/events/stream").query("sandbox_id", sandboxId)
                            .query("types", types.isEmpty() ? null : String.join(",", types)).header("Accept", "text/event-stream");
                    if (last != null) {
                        call.header("Last-Event-ID", last);
                    }
                    body = http.stream(call).body();
                    events = new ServerSentEvents(body);
                }
                if (!events.hasNext()) {
                    throw new SandboxConnectionException("the events stream ended", null);
                }
                ServerSentEvents.Event message = events.next();
                broken = 0;
                last = message.id() != null ? message.id() : last;
                JsonNode event = http.json.readTree(message.data());
                return new Event(message.id(), event.path("id").asText(null), event.path("event").asText(null),
                        event.path("timestamp").asText(null), event.path("sandboxId").asText(null), event.path("orgId").asText(null),
                        event.path("data"));
            } catch (SandboxConnectionException | SandboxApiException.ServerException | IOException e) {
                if (finished) {
                    return null;
                }
                if (++broken > MAX_BROKEN_IN_A_ROW) {
                    throw new SandboxConnectionException("the events stream broke " + broken + " times in a row", e);
                }
                closeBody();
                events = null;
                try {
                    Thread.sleep(RECONNECT.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new SandboxException("interrupted while following events", interrupted);
                }
                return null;
            }
        }

        void close() {
            finished = true;
            closeBody();
        }

        private void closeBody() {
            if (body != null) {
                try {
                    body.close();
                } catch (IOException ignored) {
                    // what the caller no longer reads
                }
            }
        }
    }
}
