package com.stateset.sandbox.server.events;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.server.db.DeliveryDao;
import com.stateset.sandbox.server.db.EventDao;
import com.stateset.sandbox.server.db.WebhookDao;
import com.stateset.sandbox.server.model.DeliveryRecord;
import com.stateset.sandbox.server.model.EventRecord;
import com.stateset.sandbox.server.model.WebhookRecord;
import com.stateset.sandbox.spi.events.DeliveryResult;
import com.stateset.sandbox.spi.events.Event;
import com.stateset.sandbox.spi.events.EventSink;
import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox, at least once: claims due deliveries (so that several servers never attempt
 * the same one at once), attempts each on a virtual thread, logs every attempt, and schedules a
 * retry with exponential backoff and jitter until the destination's retries run out. A delivery
 * whose server died mid-attempt is due again once its lease expires, and goes out with the same
 * event id. Nothing here runs on a request's thread.
 */
public final class EventDispatcher implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);
    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() { };
    private static final int BATCH = 100;
    private static final int PER_WEBHOOK = 4;
    private static final String ORG = "org:";
    private static final String WEBHOOK = "webhook:";
    private static final Duration MAX_DELAY = Duration.ofHours(1);
    /** Retries for a sink: it has no webhook settings of its own. */
    private static final int SINK_RETRIES = 10;
    private static final long SINK_DELAY_MS = 1000;
    private static final Duration SINK_LEASE = Duration.ofMinutes(1);

    private final Jdbi jdbi;
    private final WebhookSender sender;
    private final Map<String, EventSink> sinks;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Duration poll;
    private final Semaphore slots;
    /**
     * Attempts in flight by organization and by webhook, so that one organization's slow
     * receivers cannot hold every slot while others' deliveries wait.
     */
    private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final int perOrganization;
    private final ExecutorService attempts = Executors.newVirtualThreadPerTaskExecutor();
    private final Object signal = new Object();
    private volatile boolean woken;
    private volatile Thread loop;

    private final WebhookCredentials credentials;

    public EventDispatcher(Jdbi jdbi, WebhookSender sender, Map<String, EventSink> sinks, ObjectMapper mapper, Clock clock,
            Duration poll, int maxConcurrent, WebhookCredentials credentials) {
        this.credentials = requireNonNull(credentials, "credentials is null");
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.sender = requireNonNull(sender, "sender is null");
        this.sinks = Map.copyOf(sinks);
        this.mapper = requireNonNull(mapper, "mapper is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.poll = requireNonNull(poll, "poll is null");
        this.slots = new Semaphore(maxConcurrent);
        this.perOrganization = Math.max(1, maxConcurrent / 4);
    }

    /** There is new work: look now rather than at the next poll. */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    @Override
    public void start() {
        // Assigned before it runs: the loop runs for as long as it is the current one.
        Thread thread = Thread.ofPlatform().name("event-dispatcher").daemon().unstarted(this::run);
        loop = thread;
        thread.start();
    }

    @Override
    public void stop() throws InterruptedException {
        Thread running = loop;
        loop = null;
        if (running != null) {
            running.interrupt();
            running.join(5_000);
        }
        attempts.shutdownNow();
        attempts.awaitTermination(5, TimeUnit.SECONDS);
        sender.close();
        sinks.values().forEach(EventSink::close);
    }

    private void run() {
        while (loop == Thread.currentThread()) {
            try {
                dispatchDue();
                synchronized (signal) {
                    if (!woken) {
                        signal.wait(poll.toMillis());
                    }
                    woken = false;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("event delivery pass failed; retrying: {}", e.getMessage());
                sleepQuietly();
            }
        }
    }

    private void dispatchDue() throws InterruptedException {
        DeliveryDao dao = jdbi.onDemand(DeliveryDao.class);
        dao.releaseExpired(clock.millis());
        for (DeliveryRecord delivery : dao.due(clock.millis(), busy(ORG, perOrganization), busy(WEBHOOK, PER_WEBHOOK), BATCH)) {
            String org = ORG + delivery.orgId();
            String webhook = delivery.webhookId() == null ? null : WEBHOOK + delivery.webhookId();
            if (count(org) >= perOrganization || webhook != null && count(webhook) >= PER_WEBHOOK) {
                continue; // busy since the query: due again on the next pass
            }
            slots.acquire();
            boolean handedOver = false;
            try {
                long now = clock.millis();
                if (dao.claim(delivery.id(), delivery.attempts(), now, now + lease(delivery).toMillis()) == 0) {
                    continue;
                }
                adjust(org, webhook, 1);
                attempts.execute(() -> {
                    try {
                        attempt(delivery, delivery.attempts() + 1);
                    } finally {
                        adjust(org, webhook, -1);
                        slots.release();
                    }
                });
                handedOver = true;
            } finally {
                if (!handedOver) {
                    slots.release();
                }
            }
        }
    }

    /** The ids (without prefix) of one kind whose attempts in flight reached {@code limit}; never empty for SQL. */
    private List<String> busy(String kind, int limit) {
        List<String> ids = new ArrayList<>(List.of(""));
        inFlight.forEach((key, count) -> {
            if (key.startsWith(kind) && count.get() >= limit) {
                ids.add(key.substring(kind.length()));
            }
        });
        return ids;
    }

    private int count(String key) {
        AtomicInteger count = inFlight.get(key);
        return count == null ? 0 : count.get();
    }

    private void adjust(String org, String webhook, int delta) {
        inFlight.computeIfAbsent(org, k -> new AtomicInteger()).addAndGet(delta);
        if (webhook != null) {
            inFlight.computeIfAbsent(webhook, k -> new AtomicInteger()).addAndGet(delta);
        }
    }

    /**
     * One attempt of a claimed delivery. Anything that goes wrong on our side counts as a failed
     * attempt too, so that no delivery is retried without end.
     */
    private void attempt(DeliveryRecord delivery, int attempt) {
        long started = clock.millis();
        int retries = SINK_RETRIES;
        long baseDelayMs = SINK_DELAY_MS;
        DeliveryResult result;
        try {
            EventRecord stored = jdbi.onDemand(EventDao.class).find(delivery.eventId()).orElseThrow();
            Event event = new Event(stored.id(), stored.type(), Instant.ofEpochMilli(stored.createdAt()), stored.orgId(),
                    stored.sandboxId(), stored.body());
            if (delivery.webhookId() != null) {
                WebhookRecord webhook = credentials.opened(jdbi.onDemand(WebhookDao.class).findAny(delivery.webhookId()).orElseThrow());
                retries = webhook.retryCount();
                baseDelayMs = webhook.retryDelayMs();
                result = toWebhook(webhook, event);
            } else {
                result = toSink(delivery.sink(), event);
            }
        } catch (RuntimeException e) {
            LOG.warn("delivery {} attempt {} failed on our side: {}", delivery.id(), attempt, e.toString());
            result = DeliveryResult.retry(null, "internal error: " + e.getClass().getSimpleName(), null);
        }
        finish(delivery, attempt, started, clock.millis(), result, retries, baseDelayMs);
    }

    private DeliveryResult toWebhook(WebhookRecord webhook, Event event) {
        if (webhook.deletedAt() != null || !webhook.enabled()) {
            return DeliveryResult.failed(null, "the webhook was " + (webhook.deletedAt() != null ? "deleted" : "disabled"));
        }
        DeliveryResult result = sender.send(webhook, headers(webhook), event);
        if (result.statusCode() != null && result.statusCode() == 410) {
            jdbi.onDemand(WebhookDao.class).disable(webhook.id(), "the receiver answered 410 Gone");
            LOG.info("webhook {} disabled: its receiver answered 410 Gone", webhook.id());
        }
        return result;
    }

    private DeliveryResult toSink(String name, Event event) {
        EventSink sink = sinks.get(name);
        if (sink == null) {
            return DeliveryResult.failed(null, "no sink named " + name + " is configured");
        }
        DeliveryResult result = sink.deliver(event);
        return result == null ? DeliveryResult.retry(null, "the sink answered nothing", null) : result;
    }

    private void finish(DeliveryRecord delivery, int attempt, long started, long finished, DeliveryResult result,
            int retries, long baseDelayMs) {
        String status;
        long next = finished;
        switch (result.outcome()) {
            case DELIVERED -> status = "delivered";
            case FAILED -> status = "failed";
            default -> {
                if (attempt > retries) {
                    status = "failed";
                } else {
                    status = "pending";
                    next = finished + delay(attempt, baseDelayMs, result.retryAfter()).toMillis();
                }
            }
        }
        String finalStatus = status;
        long nextAttempt = next;
        boolean recorded = jdbi.inTransaction(handle -> {
            DeliveryDao dao = handle.attach(DeliveryDao.class);
            if (dao.finishAttempt(delivery.id(), finalStatus, attempt, nextAttempt, started, result.statusCode(),
                    result.detail()) == 0) {
                return false;
            }
            dao.recordAttempt(delivery.id(), attempt, started, finished - started, result.statusCode(), result.detail());
            return true;
        });
        if (!recorded) {
            // The lease ran out first and the delivery is due again: its next claim sends it once more.
            LOG.warn("delivery {} attempt {} outlived its lease; its outcome ({}) is not recorded", delivery.id(), attempt,
                    result.outcome());
        }
    }

    /** retry_delay_ms doubled per attempt, with 20% jitter either way, never before Retry-After, at most an hour. */
    static Duration delay(int attempt, long baseDelayMs, Duration retryAfter) {
        double backoff = baseDelayMs * Math.pow(2, Math.min(attempt - 1, 30));
        double jittered = backoff * ThreadLocalRandom.current().nextDouble(0.8, 1.2);
        Duration delay = Duration.ofMillis((long) Math.min(jittered, MAX_DELAY.toMillis()));
        if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
            delay = retryAfter.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : retryAfter;
        }
        return delay;
    }

    /**
     * How long an attempt may hold its delivery: longer than any attempt can take (connecting and
     * waiting for the answer, each within the webhook's timeout), and short enough that a delivery
     * a crashed server held is retried soon after a restart.
     */
    private Duration lease(DeliveryRecord delivery) {
        if (delivery.webhookId() == null) {
            return SINK_LEASE;
        }
        long timeoutMs = jdbi.onDemand(WebhookDao.class).findAny(delivery.webhookId()).map(WebhookRecord::timeoutMs).orElse(0L);
        return Duration.ofMillis(2 * timeoutMs).plusSeconds(10);
    }

    private Map<String, String> headers(WebhookRecord webhook) {
        if (webhook.headers() == null) {
            return Map.of();
        }
        try {
            return mapper.readValue(webhook.headers(), HEADERS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("webhook " + webhook.id() + " has unreadable stored JSON", e);
        }
    }

    /** Outstanding deliveries, for metrics. */
    public long backlog() {
        return jdbi.onDemand(DeliveryDao.class).backlog();
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(poll.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
