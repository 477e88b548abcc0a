package com.example.sandbox.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.stateset.sandbox.spi.events.DeliveryResult;
import com.stateset.sandbox.spi.events.Event;
import com.stateset.sandbox.spi.events.EventSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesSinkTest {

    private static Event event(String id) {
        return new Event(id, "sandbox.created", Instant.parse("2026-01-01T00:00:00Z"), "org_1", "sbx_1",
                "{\"id\":\"" + id + "\",\"event\":\"sandbox.created\"}");
    }

    @Test
    void appendsEachEventAsALineCreatingTheDirectories(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events/all.jsonl");
        try (EventSink sink = new JsonLinesSinkFactory().create(new JsonLinesSinkConfig(file.toString()), null)) {
            assertEquals(DeliveryResult.Outcome.DELIVERED, sink.deliver(event("evt_1")).outcome());
            assertEquals(DeliveryResult.Outcome.DELIVERED, sink.deliver(event("evt_2")).outcome());
        }
        try (EventSink again = new JsonLinesSink(file)) {
            again.deliver(event("evt_3"));
        }
        assertEquals(List.of("{\"id\":\"evt_1\",\"event\":\"sandbox.created\"}", "{\"id\":\"evt_2\",\"event\":\"sandbox.created\"}",
                "{\"id\":\"evt_3\",\"event\":\"sandbox.created\"}"), Files.readAllLines(file));
    }

    @Test
    void aFileThatCannotBeWrittenIsRetriedLater(@TempDir Path dir) throws Exception {
        Path directory = Files.createDirectory(dir.resolve("a-directory"));
        try (EventSink sink = new JsonLinesSink(directory)) {
            DeliveryResult result = sink.deliver(event("evt_1"));
            assertEquals(DeliveryResult.Outcome.RETRY, result.outcome());
        }
    }
}
