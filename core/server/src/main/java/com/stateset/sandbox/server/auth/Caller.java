package com.stateset.sandbox.server.auth;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.server.errors.DomainException;
import java.security.Principal;
import java.util.Set;

/**
 * Who is calling: always one organization, with the scopes of the credential (empty: everything
 * the organization may do).
 *
 * @param orgId the organization, always from the credential
 * @param userId the user, when the credential names one
 * @param keyId the API key used, or null for a JWT
 * @param subject what rate limits and logs key on: the key id, or the JWT's subject
 * @param scopes granted scopes; empty means all
 */
public record Caller(String orgId, String userId, String keyId, String subject, Set<String> scopes) implements Principal {

    public Caller {
        requireNonNull(orgId, "orgId is null");
        requireNonNull(subject, "subject is null");
        scopes = Set.copyOf(requireNonNull(scopes, "scopes is null"));
    }

    @Override
    public String getName() {
        return subject;
    }

    /** Refuses a request whose {@code org_id} names another organization than the credential's (403). */
    public void requireOwnOrg(String requestedOrgId) {
        if (requestedOrgId != null && !requestedOrgId.equals(orgId)) {
            throw DomainException.forbidden("org_id does not match the credential's organization");
        }
    }

    public boolean has(String scope) {
        return scopes.isEmpty() || scopes.contains(Scopes.ADMIN) || scopes.contains(scope);
    }
}
