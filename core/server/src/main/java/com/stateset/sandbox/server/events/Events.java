package com.stateset.sandbox.server.events;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.server.db.DeliveryDao;
import com.stateset.sandbox.server.db.EventDao;
import com.stateset.sandbox.server.model.DeliveryRecord;
import com.stateset.sandbox.server.model.EventRecord;
import com.stateset.sandbox.server.model.Ids;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records events in the outbox: the event, and a pending delivery for each enabled webhook of the
 * organization that wants it and for each configured sink, all in the caller's transaction, so an
 * event exists exactly when the change it reports was committed. {@link EventDispatcher} delivers.
 */
public final class Events {

    private static final Logger LOG = LoggerFactory.getLogger(Events.class);

    private static final TypeReference<List<String>> NAMES = new TypeReference<>() { };

    private final Jdbi jdbi;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final List<String> sinks;
    private final Runnable wake;
    private final Runnable committed;

    /**
     * @param sinks the names of the configured sinks, each of which receives every event
     * @param wake tells the dispatcher there is work, after the transaction commits
     * @param committed told after every transaction that recorded events commits (the sequencer)
     */
    public Events(Jdbi jdbi, Clock clock, ObjectMapper mapper, List<String> sinks, Runnable wake, Runnable committed) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.mapper = requireNonNull(mapper, "mapper is null");
        this.sinks = List.copyOf(sinks);
        this.wake = requireNonNull(wake, "wake is null");
        this.committed = requireNonNull(committed, "committed is null");
    }

    /** Records an event in its own transaction (for events that report no other row's change). */
    public void record(String type, String orgId, String sandboxId, Map<String, ?> data) {
        jdbi.useTransaction(handle -> record(handle, type, orgId, sandboxId, data));
    }

    /**
     * Records an event in the transaction of {@code handle}. Plain statements rather than SQL
     * objects: every command records two events, and attaching a SQL object costs more than its
     * statement.
     */
    public void record(Handle handle, String type, String orgId, String sandboxId, Map<String, ?> data) {
        long now = clock.millis();
        String id = Ids.newId("evt");
        handle.createUpdate(EventDao.INSERT)
                .bindMethods(new EventRecord(id, orgId, sandboxId, type, body(id, type, now, orgId, sandboxId, data), now))
                .execute();
        List<Subscription> subscriptions = handle.createQuery(
                        "SELECT id, events FROM webhooks WHERE org_id = :orgId AND enabled AND deleted_at IS NULL")
                .bind("orgId", orgId)
                .map((rs, ctx) -> new Subscription(rs.getString("id"), rs.getString("events")))
                .list();
        int deliveries = 0;
        for (Subscription subscription : subscriptions) {
            if (wants(subscription, type)) {
                insert(handle, new DeliveryRecord(Ids.newId("dlv"), id, orgId, subscription.webhookId(), null, "pending", 0, now,
                        null, null, null, null, now));
                deliveries++;
            }
        }
        for (String sink : sinks) {
            insert(handle, new DeliveryRecord(Ids.newId("dlv"), id, orgId, null, sink, "pending", 0, now, null, null,
                    null, null, now));
            deliveries++;
        }
        handle.afterCommit(committed);
        if (deliveries > 0) {
            // Only then is there work: a dispatch pass for nothing would compete with the request.
            handle.afterCommit(wake);
        }
    }

    private static void insert(Handle handle, DeliveryRecord delivery) {
        handle.createUpdate(DeliveryDao.INSERT).bindMethods(delivery).execute();
    }

    /** An enabled webhook and the JSON list of the event types it wants. */
    private record Subscription(String webhookId, String events) {
    }

    /** The body every destination receives; its keys are camelCase, as published. */
    String body(String id, String type, long at, String orgId, String sandboxId, Map<String, ?> data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("event", type);
        body.put("timestamp", Instant.ofEpochMilli(at).toString());
        body.put("sandboxId", sandboxId);
        body.put("orgId", orgId);
        body.put("data", data == null ? Map.of() : data);
        try {
            return mapper.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event " + type + " cannot be written as JSON", e);
        }
    }

    /** An unreadable subscription wants nothing: one bad row must not fail every change of its organization. */
    private boolean wants(Subscription subscription, String type) {
        try {
            List<String> names = mapper.readValue(subscription.events(), NAMES);
            return names.contains("*") || names.contains(type);
        } catch (JsonProcessingException e) {
            LOG.error("webhook {} has unreadable stored JSON in its events; it receives none", subscription.webhookId());
            return false;
        }
    }
}
