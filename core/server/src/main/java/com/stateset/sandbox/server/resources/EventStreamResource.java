package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.EventTypes;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.Scopes;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.errors.ErrorKind;
import com.stateset.sandbox.server.events.EventSequencer;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.glassfish.jersey.server.ChunkedOutput;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /events/stream}: the organization's events as server-sent events, read from the outbox
 * in the order {@link EventSequencer} numbered them. Each event's SSE id is its number: a client
 * that reconnects with {@code Last-Event-ID} (or {@code lastEventId}) gets exactly the events after
 * it, across restarts, since the outbox keeps them. Without one the stream starts at the present;
 * {@code Last-Event-ID: 0} replays everything.
 */
@Path("/api/v1/events/stream")
public final class EventStreamResource {

    private static final Logger LOG = LoggerFactory.getLogger(EventStreamResource.class);
    private static final int BATCH = 200;
    private static final Duration KEEPALIVE = Duration.ofSeconds(15);
    private static final Pattern EVENT_NUMBER = Pattern.compile("[0-9]{1,18}");
    private static final Pattern EVENT_ID = Pattern.compile("evt_[A-Za-z0-9]{1,64}");
    /** Open streams an organization may hold; past it, 429. */
    static final int MAX_STREAMS_PER_ORG = 20;

    private final Jdbi jdbi;
    private final EventSequencer sequencer;
    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();

    public EventStreamResource(Jdbi jdbi, EventSequencer sequencer) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.sequencer = requireNonNull(sequencer, "sequencer is null");
    }

    @GET
    @RolesAllowed(Scopes.SANDBOX_READ)
    @Produces({MediaType.SERVER_SENT_EVENTS, MediaType.APPLICATION_JSON})
    public Response stream(@Auth Caller caller, @HeaderParam("Last-Event-ID") String lastEventHeader,
            @QueryParam("lastEventId") String lastEventQuery, @QueryParam("last_event_id") String lastEventSnake,
            @QueryParam("types") String types, @QueryParam("sandbox_id") String sandboxId) {
        // Each one given must be well formed, the one not read too.
        Stream.of(lastEventHeader, lastEventQuery, lastEventSnake).filter(Objects::nonNull).forEach(EventStreamResource::wellFormed);
        String lastEvent = lastEventHeader != null ? lastEventHeader : lastEventQuery != null ? lastEventQuery : lastEventSnake;
        long after = cursor(caller, lastEvent);
        Set<String> wanted = types(types);
        AtomicInteger streams = open.computeIfAbsent(caller.orgId(), org -> new AtomicInteger());
        if (streams.incrementAndGet() > MAX_STREAMS_PER_ORG) {
            streams.decrementAndGet();
            throw new DomainException(ErrorKind.RATE_LIMITED, ErrorCodes.RATE_LIMITED, "at most " + MAX_STREAMS_PER_ORG
                    + " event streams may be open at once per organization", Map.of("retry_after", 5));
        }
        ChunkedOutput<String> output = new ChunkedOutput<>(String.class);
        Thread.ofVirtual().name("events-" + caller.orgId()).start(() -> {
            try {
                relay(caller.orgId(), after, wanted, sandboxId, output);
            } finally {
                streams.decrementAndGet();
                try {
                    output.close();
                } catch (IOException e) {
                    LOG.debug("closing an event stream failed: {}", e.getMessage());
                }
            }
        });
        return Response.ok(output, MediaType.SERVER_SENT_EVENTS_TYPE)
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no")
                .build();
    }

    private record Row(long seq, String type, String sandboxId, String body) {
    }

    /** Sends events after {@code after} as they are numbered, until the client goes or the server stops. */
    private void relay(String orgId, long after, Set<String> types, String sandboxId, ChunkedOutput<String> output) {
        long cursor = after;
        try {
            output.write("retry: 3000\n: connected\n\n");
            while (true) {
                long generation = sequencer.generation(orgId);
                long from = cursor;
                List<Row> rows = jdbi.withHandle(handle -> handle.createQuery("SELECT seq, type, sandbox_id, body FROM events"
                                + " WHERE org_id = :org AND seq > :after ORDER BY seq LIMIT :n")
                        .bind("org", orgId).bind("after", from).bind("n", BATCH)
                        .map((rs, ctx) -> new Row(rs.getLong("seq"), rs.getString("type"), rs.getString("sandbox_id"),
                                rs.getString("body")))
                        .list());
                for (Row row : rows) {
                    cursor = row.seq();
                    if ((types.isEmpty() || types.contains(row.type())) && (sandboxId == null || sandboxId.equals(row.sandboxId()))) {
                        output.write("id: " + row.seq() + "\nevent: " + row.type() + "\ndata: " + row.body() + "\n\n");
                    }
                }
                if (rows.size() == BATCH) {
                    continue; // more are waiting
                }
                if (sequencer.awaitNumbered(orgId, generation, KEEPALIVE)) {
                    return; // the server is stopping
                }
                if (sequencer.generation(orgId) == generation) {
                    output.write(": keepalive\n\n"); // also finds out whether the client is still there
                }
            }
        } catch (IOException clientGone) {
            LOG.debug("event stream client went away: {}", clientGone.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("event stream of {} failed at {}: {}", orgId, cursor, e.getMessage());
        }
    }

    /**
     * The number to resume after: a number, the id of an event of the organization (404 when it has
     * none of that id), or the present when none is given. Anything else is a 400.
     */
    private long cursor(Caller caller, String lastEvent) {
        if (lastEvent == null) {
            return jdbi.withHandle(handle -> handle.createQuery("SELECT COALESCE(MAX(seq), 0) FROM events")
                    .mapTo(Long.class).one());
        }
        if (EVENT_NUMBER.matcher(lastEvent).matches()) {
            return Long.parseLong(lastEvent);
        }
        return jdbi.withHandle(handle -> handle.createQuery("SELECT seq FROM events WHERE id = :id AND org_id = :org")
                        .bind("id", lastEvent).bind("org", caller.orgId()).mapTo(Long.class).findOne())
                .orElseThrow(() -> DomainException.notFound(ErrorCodes.NOT_FOUND,
                        "Last-Event-ID: this organization has no event " + lastEvent));
    }

    private static void wellFormed(String lastEvent) {
        if (!EVENT_NUMBER.matcher(lastEvent).matches() && !EVENT_ID.matcher(lastEvent).matches()) {
            throw DomainException.validation("Last-Event-ID", "neither an event number nor an event id (evt_...)");
        }
    }

    private static Set<String> types(String types) {
        if (types == null || types.isEmpty()) {
            return Set.of();
        }
        Set<String> wanted = Arrays.stream(types.split(",", -1)).collect(Collectors.toSet());
        for (String type : wanted) {
            if (!EventTypes.ALL.contains(type)) {
                throw DomainException.validation("types", "unknown event type '" + type + "'", EventTypes.ALL);
            }
        }
        return wanted;
    }
}
