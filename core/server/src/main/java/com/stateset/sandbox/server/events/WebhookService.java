package com.stateset.sandbox.server.events;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.EventTypes;
import com.stateset.sandbox.api.Times;
import com.stateset.sandbox.api.WebhookRequests;
import com.stateset.sandbox.api.WebhookView;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.crypto.SecretCipher;
import com.stateset.sandbox.server.db.DeliveryDao;
import com.stateset.sandbox.server.db.EventDao;
import com.stateset.sandbox.server.db.WebhookDao;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.errors.ErrorKind;
import com.stateset.sandbox.server.model.AttemptRecord;
import com.stateset.sandbox.server.model.DeliveryRecord;
import com.stateset.sandbox.server.model.EventRecord;
import com.stateset.sandbox.server.model.Ids;
import com.stateset.sandbox.server.model.WebhookRecord;
import com.stateset.sandbox.spi.events.DeliveryResult;
import com.stateset.sandbox.spi.events.Event;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Webhooks of an organization: registration, removal, a test delivery, and the delivery history. */
public final class WebhookService {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookService.class);

    private static final int MAX_WEBHOOKS = 50;
    private static final int MAX_URL_CHARS = 2048;
    private static final int MAX_HEADERS = 20;
    private static final Pattern HEADER_NAME = Pattern.compile("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$");
    /** Headers the server sets itself, or that would change how the request is framed or routed. */
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "content-type", "content-length", "connection",
            "transfer-encoding", "user-agent", "x-sandbox-signature", "webhook-id", "webhook-timestamp", "webhook-signature",
            "expect", "upgrade", "te", "trailer", "keep-alive", "proxy-authorization");
    private static final TypeReference<List<String>> NAMES = new TypeReference<>() { };

    private final Jdbi jdbi;
    private final WebhookTargets targets;
    private final WebhookSender sender;
    private final Events events;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final WebhookCredentials credentials;

    public WebhookService(Jdbi jdbi, WebhookTargets targets, WebhookSender sender, Events events, Clock clock,
            ObjectMapper mapper, WebhookCredentials credentials) {
        this.credentials = requireNonNull(credentials, "credentials is null");
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.targets = requireNonNull(targets, "targets is null");
        this.sender = requireNonNull(sender, "sender is null");
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.mapper = requireNonNull(mapper, "mapper is null");
    }

    public WebhookView create(Caller caller, WebhookRequests.Create request) {
        if (request == null || request.url() == null || request.url().isBlank()) {
            throw DomainException.validation("url", "required");
        }
        caller.requireOwnOrg(request.orgId());
        if (request.url().length() > MAX_URL_CHARS) {
            throw DomainException.validation("url", "longer than " + MAX_URL_CHARS + " characters");
        }
        String problem = targets.problem(request.url());
        if (problem != null) {
            throw DomainException.validation("url", problem);
        }
        List<String> names = events(request.events());
        String secret = request.secret() == null ? WebhookSigner.newSecret() : secret(request.secret());
        Map<String, String> headers = headers(request.headers());
        int retryCount = bounded("retry_count", request.retryCount() == null ? 3 : request.retryCount(), 0, 10);
        long retryDelayMs = bounded("retry_delay_ms", request.retryDelayMs() == null ? 1000 : request.retryDelayMs(), 100, 3_600_000);
        long timeoutMs = bounded("timeout_ms", request.timeoutMs() == null ? 30_000 : request.timeoutMs(), 100, 60_000);
        if (dao().list(caller.orgId()).size() >= MAX_WEBHOOKS) {
            throw DomainException.conflict("an organization may have at most " + MAX_WEBHOOKS + " webhooks");
        }
        String id = Ids.newId("wh");
        WebhookRecord row = new WebhookRecord(id, caller.orgId(), request.url(), json(names),
                credentials.seal(caller.orgId(), id, "secret", secret),
                headers.isEmpty() ? null : credentials.seal(caller.orgId(), id, "headers", json(headers)), true, null,
                retryCount, retryDelayMs, timeoutMs, clock.millis(), null);
        dao().insert(row);
        return view(row, secret);
    }

    public WebhookView.Listing list(Caller caller) {
        return new WebhookView.Listing(dao().list(caller.orgId()).stream().map(row -> view(row, null)).toList());
    }

    public void delete(Caller caller, String id) {
        if (dao().delete(caller.orgId(), id, clock.millis()) == 0) {
            throw DomainException.notFound(ErrorCodes.WEBHOOK_NOT_FOUND, "webhook " + id + " not found");
        }
    }

    /** Sends a {@code webhook.test} event at once, outside the outbox, and says how it went. */
    public WebhookView.TestResult test(Caller caller, String id) {
        WebhookRecord webhook;
        try {
            webhook = credentials.opened(find(caller, id));
        } catch (IllegalStateException | SecretCipher.UnreadableSecretException unreadable) {
            // Sealed under a master key this server does not have: the operator's to fix, or the webhook's to re-create.
            throw new DomainException(ErrorKind.CONFLICT, ErrorCodes.WEBHOOK_CREDENTIALS_UNREADABLE,
                    "webhook " + id + "'s secret cannot be read with"
                    + " this server's master key; create the webhook again, or the server's operator must configure the key"
                    + " it was stored under");
        }
        long now = clock.millis();
        String eventId = Ids.newId("evt");
        Event event = new Event(eventId, EventTypes.WEBHOOK_TEST, Instant.ofEpochMilli(now), caller.orgId(), null,
                events.body(eventId, EventTypes.WEBHOOK_TEST, now, caller.orgId(), null, Map.of("webhookId", id)));
        long started = System.nanoTime();
        DeliveryResult result = sender.send(webhook, headersOf(webhook), event);
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        boolean success = result.outcome() == DeliveryResult.Outcome.DELIVERED;
        return new WebhookView.TestResult(success, result.statusCode(), durationMs, success ? null : result.detail());
    }

    public WebhookView.Deliveries deliveries(Caller caller, String id, Integer limit) {
        find(caller, id);
        int pageSize = limit == null ? 50 : limit;
        if (pageSize < 1 || pageSize > 500) {
            throw DomainException.validation("limit", "must be between 1 and 500");
        }
        DeliveryDao deliveries = jdbi.onDemand(DeliveryDao.class);
        List<DeliveryRecord> rows = deliveries.forWebhook(id, pageSize);
        Map<String, List<WebhookView.Attempt>> attempts = new TreeMap<>();
        if (!rows.isEmpty()) {
            for (AttemptRecord attempt : deliveries.attempts(rows.stream().map(DeliveryRecord::id).toList())) {
                attempts.computeIfAbsent(attempt.deliveryId(), k -> new ArrayList<>()).add(new WebhookView.Attempt(
                        attempt.attempt(), Times.iso(attempt.attemptedAt()), attempt.durationMs(), attempt.responseStatus(),
                        attempt.error()));
            }
        }
        EventDao eventDao = jdbi.onDemand(EventDao.class);
        return new WebhookView.Deliveries(rows.stream().map(row -> new WebhookView.Delivery(row.id(), row.webhookId(),
                row.eventId(), eventDao.find(row.eventId()).map(EventRecord::type).orElse(null), row.status(), row.attempts(),
                Times.iso(row.lastAttemptAt()), row.responseStatus(), row.error(), Times.iso(row.createdAt()),
                "pending".equals(row.status()) ? Times.iso(row.nextAttemptAt()) : null,
                attempts.getOrDefault(row.id(), List.of()))).toList());
    }

    private WebhookRecord find(Caller caller, String id) {
        return dao().find(caller.orgId(), id)
                .orElseThrow(() -> DomainException.notFound(ErrorCodes.WEBHOOK_NOT_FOUND, "webhook " + id + " not found"));
    }

    private static List<String> events(JsonNode events) {
        if (events == null || events.isNull() || events.isTextual() && events.asText().equals("*")) {
            return List.of("*");
        }
        if (!events.isArray() || events.isEmpty()) {
            throw DomainException.validation("events", "must be \"*\" or a non-empty list of event names", EventTypes.ALL);
        }
        List<String> names = new ArrayList<>();
        for (JsonNode event : events) {
            String name = event.isTextual() ? event.asText() : null;
            if (name == null || !name.equals("*") && !EventTypes.ALL.contains(name)) {
                throw DomainException.validation("events", "unknown event " + event, EventTypes.ALL);
            }
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    private static String secret(String secret) {
        if (secret.length() < 16 || secret.length() > 256 || secret.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw DomainException.validation("secret", "16 to 256 printable characters without spaces");
        }
        return secret;
    }

    private static Map<String, String> headers(Map<String, String> headers) {
        if (headers == null) {
            return Map.of();
        }
        if (headers.size() > MAX_HEADERS) {
            throw DomainException.validation("headers", "at most " + MAX_HEADERS + " headers");
        }
        Map<String, String> checked = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String field = "headers." + header.getKey();
            if (!HEADER_NAME.matcher(header.getKey()).matches()) {
                throw DomainException.validation(field, "not a valid header name");
            }
            if (RESERVED_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                throw DomainException.validation(field, "set by the server; cannot be replaced");
            }
            String value = header.getValue();
            if (value == null || value.length() > 4096 || value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                throw DomainException.validation(field, "must be at most 4096 characters, without line breaks");
            }
            checked.put(header.getKey(), value);
        }
        return checked;
    }

    private static int bounded(String field, int value, int min, int max) {
        return (int) bounded(field, (long) value, min, max);
    }

    private static long bounded(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw DomainException.validation(field, "must be between " + min + " and " + max);
        }
        return value;
    }

    /** The custom headers of a webhook whose headers are opened already. */
    private Map<String, String> headersOf(WebhookRecord webhook) {
        try {
            return webhook.headers() == null ? Map.of() : mapper.readValue(webhook.headers(), new TypeReference<>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("webhook " + webhook.id() + " has unreadable stored JSON", e);
        }
    }

    private WebhookView view(WebhookRecord row, String secret) {
        List<String> names;
        try {
            names = mapper.readValue(row.events(), NAMES);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("webhook " + row.id() + " has unreadable stored JSON", e);
        }
        Object events = names.equals(List.of("*")) ? "*" : names;
        Map<String, String> hidden = null;
        if (row.headers() != null) {
            hidden = new LinkedHashMap<>();
            try {
                for (String name : headersOf(credentials.opened(row)).keySet()) {
                    hidden.put(name, "***");
                }
            } catch (IllegalStateException | SecretCipher.UnreadableSecretException unreadable) {
                // The list still shows the webhook; its header names are sealed under another master key.
                LOG.warn("the headers of webhook {} cannot be read with this server's master key", row.id());
            }
        }
        return new WebhookView(row.id(), row.url(), events, secret, row.enabled(), hidden, row.retryCount(),
                row.retryDelayMs(), row.timeoutMs(), Times.iso(row.createdAt()), row.disabledReason());
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private WebhookDao dao() {
        return jdbi.onDemand(WebhookDao.class);
    }
}
