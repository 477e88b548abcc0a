package com.stateset.sandbox.spi.events;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * Something that happened, as delivered: {@code body} is the JSON document webhooks receive
 * ({@code {"id", "event", "timestamp", "sandboxId", "orgId", "data"}}), ready to send as it is.
 *
 * @param id the event id ({@code evt_...}); the same on every delivery attempt, so receivers can
 *     drop duplicates
 * @param type one of the event names of the API, such as {@code sandbox.ready}
 * @param sandboxId the sandbox it concerns, or null
 */
public record Event(String id, String type, Instant timestamp, String orgId, String sandboxId, String body) {

    public Event {
        requireNonNull(id, "id is null");
        requireNonNull(type, "type is null");
        requireNonNull(timestamp, "timestamp is null");
        requireNonNull(orgId, "orgId is null");
        requireNonNull(body, "body is null");
    }
}
