package com.stateset.sandbox.server.auth;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.stateset.sandbox.server.db.ApiKeyDao;
import com.stateset.sandbox.server.db.OrganizationDao;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.model.ApiKeyRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a credential into a {@link Caller}. Key look-ups are cached for a few seconds (a revoked
 * key stops working within that time, and at once on this server); {@code last_used_at} is written
 * at most once a minute per key, off the request's path.
 */
public final class CredentialVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(CredentialVerifier.class);
    private static final long TOUCH_INTERVAL_MS = 60_000;

    private final Jdbi jdbi;
    private final JwtVerifier jwt;
    private final Clock clock;
    private final Executor background;
    private final Cache<String, Optional<ApiKeyRecord>> keys;
    private final Cache<String, Boolean> organizations;
    private final ConcurrentHashMap<String, Long> lastTouched = new ConcurrentHashMap<>();

    public CredentialVerifier(Jdbi jdbi, JwtVerifier jwt, Clock clock, Duration cacheFor, Executor background) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.jwt = jwt;
        this.clock = requireNonNull(clock, "clock is null");
        this.background = requireNonNull(background, "background is null");
        this.keys = Caffeine.newBuilder().expireAfterWrite(cacheFor).maximumSize(100_000).build();
        this.organizations = Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(1)).maximumSize(100_000).build();
    }

    public Caller apiKey(String key) {
        if (!ApiKeys.wellFormed(key)) {
            throw DomainException.unauthorized("invalid API key");
        }
        String hash = ApiKeys.hash(key);
        ApiKeyRecord record = keys.get(hash, h -> jdbi.onDemand(ApiKeyDao.class).findByHash(h))
                .filter(r -> ApiKeys.sameHash(r.keyHash(), hash))
                .orElseThrow(() -> DomainException.unauthorized("invalid API key"));
        long now = clock.millis();
        if (record.revokedAt() != null) {
            throw DomainException.unauthorized("API key has been revoked");
        }
        if (record.expiresAt() != null && record.expiresAt() <= now) {
            throw DomainException.unauthorized("API key has expired");
        }
        touch(record.id(), now);
        return new Caller(record.orgId(), record.userId(), record.id(), record.id(), scopes(record.scopes()));
    }

    public Caller bearer(String token) {
        if (jwt == null) {
            throw DomainException.unauthorized("bearer tokens are not enabled on this server");
        }
        Caller caller = jwt.verify(token);
        boolean exists = organizations.get(caller.orgId(), id -> jdbi.onDemand(OrganizationDao.class).find(id).isPresent());
        if (!exists) {
            throw DomainException.unauthorized("bearer token names an unknown organization");
        }
        return caller;
    }

    /** Forgets cached keys, so a revocation takes effect at once on this server. */
    public void invalidateKeys() {
        keys.invalidateAll();
    }

    static Set<String> scopes(String stored) {
        return stored.isEmpty() ? Set.of() : Arrays.stream(stored.split(",")).collect(Collectors.toSet());
    }

    private void touch(String keyId, long now) {
        Long previous = lastTouched.get(keyId);
        if (previous != null && now - previous < TOUCH_INTERVAL_MS) {
            return;
        }
        lastTouched.put(keyId, now);
        background.execute(() -> {
            try {
                jdbi.onDemand(ApiKeyDao.class).touch(keyId, now);
            } catch (RuntimeException e) {
                LOG.warn("recording last use of key {} failed", keyId, e);
            }
        });
    }
}
