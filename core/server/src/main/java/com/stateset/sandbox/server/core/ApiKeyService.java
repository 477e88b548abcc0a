package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.ApiKeyView;
import com.stateset.sandbox.api.CreateApiKeyRequest;
import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.Times;
import com.stateset.sandbox.server.auth.ApiKeys;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.CredentialVerifier;
import com.stateset.sandbox.server.auth.Scopes;
import com.stateset.sandbox.server.db.ApiKeyDao;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.model.ApiKeyRecord;
import com.stateset.sandbox.server.model.Ids;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.jdbi.v3.core.Jdbi;

/** An organization's API keys; managing them takes the {@code admin} scope, which covers every other. */
public final class ApiKeyService {

    private static final int MAX_DAYS = 3650;

    private final Jdbi jdbi;
    private final Clock clock;
    private final CredentialVerifier verifier;

    public ApiKeyService(Jdbi jdbi, Clock clock, CredentialVerifier verifier) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.verifier = requireNonNull(verifier, "verifier is null");
    }

    public ApiKeyView.Listing list(Caller caller) {
        return new ApiKeyView.Listing(dao().listActive(caller.orgId()).stream().map(ApiKeyService::view).toList());
    }

    public ApiKeyView.Created create(Caller caller, CreateApiKeyRequest request) {
        if (request == null || request.name() == null || request.name().isBlank()) {
            throw DomainException.validation("name", "required");
        }
        caller.requireOwnOrg(request.orgId());
        String name = request.name().strip();
        if (name.length() > 100 || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw DomainException.validation("name", "at most 100 characters, no control characters");
        }
        Integer days = request.expiresInDays();
        if (days != null && (days < 1 || days > MAX_DAYS)) {
            throw DomainException.validation("expires_in_days", "must be between 1 and " + MAX_DAYS);
        }
        List<String> requested = request.scopes() == null ? List.of() : request.scopes();
        for (int i = 0; i < requested.size(); i++) {
            if (requested.get(i) == null || !Scopes.ALL.contains(requested.get(i))) {
                throw DomainException.validation("scopes[" + i + "]", "unknown scope '" + requested.get(i) + "'",
                        new TreeSet<>(Scopes.ALL));
            }
        }
        long now = clock.millis();
        String key = ApiKeys.generate();
        ApiKeyRecord record = new ApiKeyRecord(Ids.newId("key"), caller.orgId(), caller.userId(), name,
                ApiKeys.displayPrefix(key), ApiKeys.hash(key), String.join(",", new TreeSet<>(requested)), now,
                days == null ? null : now + days * 86_400_000L, null, null);
        dao().insert(record);
        return new ApiKeyView.Created(view(record), key);
    }

    public void revoke(Caller caller, String id) {
        if (dao().revoke(caller.orgId(), id, clock.millis()) == 0) {
            throw DomainException.notFound(ErrorCodes.API_KEY_NOT_FOUND, "API key " + id + " not found");
        }
        verifier.invalidateKeys();
    }

    private ApiKeyDao dao() {
        return jdbi.onDemand(ApiKeyDao.class);
    }

    private static ApiKeyView view(ApiKeyRecord key) {
        List<String> scopes = key.scopes().isEmpty() ? List.of() : Arrays.asList(key.scopes().split(","));
        return new ApiKeyView(key.id(), key.name(), key.keyPrefix(), scopes, Times.iso(key.lastUsedAt()),
                Times.iso(key.expiresAt()), Times.iso(key.createdAt()));
    }
}
