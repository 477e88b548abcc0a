package com.stateset.sandbox.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** The events of a {@code text/event-stream} body, as the HTML standard reads them (comments skipped). */
final class ServerSentEvents extends Pulling<ServerSentEvents.Event> {

    /** One event: its {@code id:} (the last one seen, as the standard keeps it), {@code event:} and {@code data:}. */
    record Event(String id, String event, String data) {
    }

    private final BufferedReader reader;
    private String lastId;

    ServerSentEvents(InputStream body) {
        this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    @Override
    protected Event pull() {
        Event event = read();
        finished = event == null;
        return event;
    }

    private Event read() {
        String event = "";
        List<String> data = new ArrayList<>();
        boolean sawData = false;
        try {
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (sawData) {
                        return new Event(lastId, event.isEmpty() ? "message" : event, String.join("\n", data));
                    }
                    event = "";
                    continue;
                }
                if (line.startsWith(":")) {
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                value = value.startsWith(" ") ? value.substring(1) : value;
                switch (field) {
                    case "data" -> {
                        data.add(value);
                        sawData = true;
                    }
                    case "event" -> event = value;
                    case "id" -> lastId = value.indexOf('\0') < 0 ? value : lastId;
                    default -> { }
                }
            }
            return null; // an event without its blank line is dropped, as the standard says
        } catch (IOException e) {
            throw new SandboxConnectionException("the event stream broke: " + e.getMessage(), e);
        }
    }

    /** The body's events, mapped, as a stream that closes the body when it is closed. */
    static <T> Stream<T> stream(InputStream body, Function<Event, T> map) {
        Iterator<Event> events = new ServerSentEvents(body);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(events, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .map(map)
                .onClose(() -> {
                    try {
                        body.close();
                    } catch (IOException ignored) {
                        // closing what the caller no longer reads
                    }
                });
    }
}
