package com.stateset.sandbox.server.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.ErrorResponse;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.crypto.SecretCipher;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.errors.ErrorKind;
import com.stateset.sandbox.server.model.Ids;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.glassfish.jersey.server.ChunkedOutput;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Idempotency-Key} on every POST. The first request with a key runs and its answer is kept
 * for 24 hours, in the database (so a restart forgets nothing); the same key with the same request
 * (method, path, query and body) gets that answer again, marked {@code Idempotent-Replayed: true};
 * with another request, 422. While the first is still running a repeat gets 409 with
 * {@code Retry-After}. Keys belong to the caller's organization; a POST without a credential
 * (registration) is not kept.
 *
 * <p>Not kept, so that a retry runs again: answers a retry may do better than (5xx, 429, 409,
 * 408, 401), and requests whose server died under them (the key's owner is another process). A
 * streamed answer is kept by its stream when it ends (see {@link #pending}). Kept answers may hold
 * a new API key, a webhook's secret or a command's output: with a secrets master key they are
 * sealed under it, as secrets are.
 */
@Priority(Priorities.USER)
public final class IdempotencyFilter implements ContainerRequestFilter, ContainerResponseFilter {

    public static final String HEADER = "Idempotency-Key";
    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyFilter.class);
    private static final String PROPERTY = IdempotencyFilter.class.getName();
    private static final Duration KEEP = Duration.ofHours(24);
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);
    private static final int MAX_KEY_CHARS = 255;
    /** What SecretCipher's sealed values start with; a plain JSON or SSE answer never does. */
    private static final String SEALED = "v1:";
    private static final String NAME = "idempotency:";

    private final Jdbi jdbi;
    private final ObjectMapper mapper;
    private final Clock clock;
    /** Seals kept answers; null without a master key. */
    private final SecretCipher cipher;
    /** This process: a key whose owner is another process was left by one that died. */
    private final String owner = Ids.newId("proc");
    private final AtomicLong lastPrune = new AtomicLong();

    /** @param cipher the secrets master key's cipher, or null */
    public IdempotencyFilter(Jdbi jdbi, ObjectMapper mapper, Clock clock, SecretCipher cipher) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.mapper = requireNonNull(mapper, "mapper is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.cipher = cipher;
    }

    /** The call a resource answering with a stream must complete itself, or null. */
    public static IdempotentCall pending(ContainerRequestContext context) {
        return (IdempotentCall) context.getProperty(PROPERTY);
    }

    private record Stored(String requestHash, String state, String owner, Integer status, String contentType, String body,
            long expiresAt) {
    }

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        String key = request.getHeaderString(HEADER);
        if (key == null || !"POST".equals(request.getMethod())) {
            return;
        }
        if (key.isEmpty() || key.length() > MAX_KEY_CHARS || key.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw DomainException.validation(HEADER, "1 to " + MAX_KEY_CHARS + " printable ASCII characters without spaces");
        }
        // Keys belong to an organization: without a credential (registration) there is none to keep
        // an answer for, and a kept registration would hand its new API key to whoever repeats it.
        if (!(request.getSecurityContext().getUserPrincipal() instanceof Caller caller)) {
            return;
        }
        String scope = caller.orgId();
        byte[] body;
        try {
            body = request.getEntityStream().readAllBytes();
        } catch (IOException cutShort) {
            throw new DomainException(ErrorKind.INVALID, ErrorCodes.VALIDATION_ERROR,
                    "request body: it ended before its declared length");
        }
        request.setEntityStream(new ByteArrayInputStream(body));
        String hash = hash(request, body);
        prune();
        Optional<Stored> earlier;
        try {
            earlier = jdbi.inTransaction(handle -> claim(handle, scope, key, hash));
        } catch (UnableToExecuteStatementException raced) {
            // A concurrent first request inserted the key meanwhile: now it is there to be read.
            earlier = jdbi.inTransaction(handle -> claim(handle, scope, key, hash));
        }
        if (earlier.isEmpty()) {
            request.setProperty(PROPERTY, new Call(scope, key));
            return;
        }
        Stored stored = earlier.get();
        if (!stored.requestHash().equals(hash)) {
            request.abortWith(error(422, ErrorCodes.IDEMPOTENCY_KEY_REUSED, "this Idempotency-Key was used with another request"
                    + " in the last 24 hours; use a new key for a new request", Map.of()));
        } else if (stored.state().equals("running")) {
            request.abortWith(error(409, ErrorCodes.IDEMPOTENCY_KEY_IN_USE, "a request with this Idempotency-Key is still running;"
                    + " retry once it has been answered", Map.of("Retry-After", "1")));
        } else {
            request.abortWith(Response.status(stored.status())
                    .entity(stored.body() == null ? new byte[0] : open(scope, key, stored.body()).getBytes(StandardCharsets.UTF_8))
                    .type(stored.contentType())
                    .header("Idempotent-Replayed", "true")
                    .build());
        }
    }

    /** Takes the key for this request and answers empty, or answers what holds it. */
    private Optional<Stored> claim(Handle handle, String scope, String key, String hash) {
        long now = clock.millis();
        Optional<Stored> existing = handle.createQuery("SELECT request_hash, state, owner, status, content_type, body, expires_at"
                        + " FROM idempotency_keys WHERE scope = :scope AND idem_key = :key FOR UPDATE")
                .bind("scope", scope).bind("key", key)
                .map((rs, ctx) -> new Stored(rs.getString("request_hash"), rs.getString("state"), rs.getString("owner"),
                        (Integer) rs.getObject("status"), rs.getString("content_type"), rs.getString("body"),
                        rs.getLong("expires_at")))
                .findOne();
        boolean abandoned = existing.isPresent() && existing.get().state().equals("running")
                && !existing.get().owner().equals(owner) && existing.get().requestHash().equals(hash);
        if (existing.isPresent() && existing.get().expiresAt() > now && !abandoned) {
            return existing;
        }
        handle.createUpdate("DELETE FROM idempotency_keys WHERE scope = :scope AND idem_key = :key")
                .bind("scope", scope).bind("key", key).execute();
        handle.createUpdate("INSERT INTO idempotency_keys (scope, idem_key, request_hash, state, owner, created_at, expires_at)"
                        + " VALUES (:scope, :key, :hash, 'running', :owner, :now, :expires)")
                .bind("scope", scope).bind("key", key).bind("hash", hash).bind("owner", owner).bind("now", now)
                .bind("expires", now + KEEP.toMillis())
                .execute();
        return Optional.empty();
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(request.getProperty(PROPERTY) instanceof Call call) || response.getEntity() instanceof ChunkedOutput) {
            return;
        }
        int status = response.getStatus();
        if (status >= 500 || status == 429 || status == 409 || status == 408 || status == 401) {
            call.release();
            return;
        }
        try {
            Object entity = response.getEntity();
            byte[] body = entity == null ? new byte[0] : entity instanceof byte[] bytes ? bytes : mapper.writeValueAsBytes(entity);
            MediaType type = response.getMediaType();
            call.complete(status, type == null ? MediaType.APPLICATION_JSON : type.toString(), body);
        } catch (JsonProcessingException e) {
            call.release();
            throw new UncheckedIOException(e);
        }
    }

    /** The first run of a key, which keeps or gives up its answer once. */
    private final class Call implements IdempotentCall {
        private final String scope;
        private final String key;

        Call(String scope, String key) {
            this.scope = scope;
            this.key = key;
        }

        @Override
        public void complete(int status, String contentType, byte[] body) {
            try {
                jdbi.useHandle(handle -> handle.createUpdate("UPDATE idempotency_keys SET state = 'done', status = :status,"
                                + " content_type = :type, body = :body WHERE scope = :scope AND idem_key = :key AND owner = :owner")
                        .bind("status", status).bind("type", contentType)
                        .bind("body", seal(scope, key, new String(body, StandardCharsets.UTF_8)))
                        .bind("scope", scope).bind("key", key).bind("owner", owner)
                        .execute());
            } catch (RuntimeException e) {
                LOG.warn("keeping the answer of Idempotency-Key {} failed; a retry runs again: {}", key, e.getMessage());
                release();
            }
        }

        @Override
        public void release() {
            try {
                jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM idempotency_keys"
                                + " WHERE scope = :scope AND idem_key = :key AND owner = :owner AND state = 'running'")
                        .bind("scope", scope).bind("key", key).bind("owner", owner).execute());
            } catch (RuntimeException e) {
                LOG.warn("releasing Idempotency-Key {} failed; it is free again after a restart: {}", key, e.getMessage());
            }
        }
    }

    private String seal(String scope, String key, String body) {
        return cipher == null ? body : cipher.encrypt(scope, NAME + key, body);
    }

    /** A kept answer as sent; one sealed under another master key cannot be replayed: 409. */
    private String open(String scope, String key, String stored) {
        if (cipher == null || !stored.startsWith(SEALED)) {
            return stored;
        }
        try {
            return cipher.decrypt(scope, NAME + key, stored);
        } catch (SecretCipher.UnreadableSecretException e) {
            throw new DomainException(ErrorKind.CONFLICT, ErrorCodes.IDEMPOTENCY_KEY_UNREADABLE,
                    "the answer kept for this Idempotency-Key was sealed"
                    + " under another master key; use a new key", Map.of("field", HEADER));
        }
    }

    private void prune() {
        long now = clock.millis();
        long last = lastPrune.get();
        if (now - last > PRUNE_EVERY.toMillis() && lastPrune.compareAndSet(last, now)) {
            jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM idempotency_keys WHERE expires_at < :now")
                    .bind("now", now).execute());
        }
    }

    private static String hash(ContainerRequestContext request, byte[] body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((request.getMethod() + " " + request.getUriInfo().getRequestUri().getRawPath() + "?"
                    + request.getUriInfo().getRequestUri().getRawQuery() + "\n").getBytes(StandardCharsets.UTF_8));
            digest.update(body);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Response error(int status, String code, String message, Map<String, String> headers) {
        Response.ResponseBuilder response = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorResponse.of(code, message, RequestIds.current(), Map.of("field", HEADER)));
        headers.forEach(response::header);
        return response.build();
    }
}
