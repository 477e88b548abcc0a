package com.stateset.sandbox.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A server-sent events stream of the API, read on a thread of its own into a queue of parsed events. */
public final class SseStream implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** One event: its id and name (null when it has none) and its JSON data. */
    public record Event(String id, String event, JsonNode data) {
    }

    private final BlockingQueue<Event> events = new ArrayBlockingQueue<>(10_000);
    private final InputStream body;
    private final int status;

    /** Opens {@code path} (with its query) with the key, and {@code Last-Event-ID} if not null. */
    public SseStream(int port, String key, String path, String lastEventId) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-API-Key", key).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        status = response.statusCode();
        body = response.body();
        Thread.ofVirtual().start(this::read);
    }

    public int status() {
        return status;
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = new StringBuilder();
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.put(new Event(id, event, MAPPER.readTree(data.toString())));
                    }
                    id = null;
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

    /** The next event, which must come within 30 s. */
    public Event next() throws InterruptedException {
        Event event = events.poll(30, TimeUnit.SECONDS);
        assertThat(event).as("an event within 30 s").isNotNull();
        return event;
    }

    /** Events until (and with) the first for which {@code last} holds of the events so far. */
    public List<Event> until(Predicate<List<Event>> last) throws InterruptedException {
        List<Event> seen = new ArrayList<>();
        do {
            seen.add(next());
        } while (!last.test(seen));
        return seen;
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
