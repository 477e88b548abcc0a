package com.stateset.sandbox.server.auth;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.server.errors.DomainException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;

/**
 * Authenticates a request to a protected resource: {@code Authorization: ApiKey <key>},
 * {@code X-API-Key: <key>} or {@code Authorization: Bearer <jwt>}. Then checks that any organization
 * the client names ({@code X-Org-Id}, {@code ?org_id=}) is the credential's own, and applies the
 * credential's rate limit. Scopes are checked by {@code @RolesAllowed} against the security context.
 */
@Priority(Priorities.AUTHENTICATION)
public final class CredentialFilter implements ContainerRequestFilter {

    public static final String ORG_HEADER = "X-Org-Id";

    private final CredentialVerifier verifier;
    private final RateLimiter rateLimiter;

    public CredentialFilter(CredentialVerifier verifier, RateLimiter rateLimiter) {
        this.verifier = requireNonNull(verifier, "verifier is null");
        this.rateLimiter = requireNonNull(rateLimiter, "rateLimiter is null");
    }

    @Override
    public void filter(ContainerRequestContext request) {
        Caller caller = authenticate(request);
        // Set before the checks below, so that the audit log attributes a call they refuse.
        request.setSecurityContext(new CallerContext(caller, request.getSecurityContext().isSecure()));
        String claimedOrg = request.getHeaderString(ORG_HEADER);
        if (claimedOrg != null && !claimedOrg.equals(caller.orgId())) {
            throw DomainException.forbidden(ORG_HEADER + " does not match the credential's organization");
        }
        String queryOrg = request.getUriInfo().getQueryParameters().getFirst("org_id");
        if (queryOrg != null && !queryOrg.equals(caller.orgId())) {
            throw DomainException.forbidden("org_id does not match the credential's organization");
        }
        long retryAfter = rateLimiter.acquire(caller.subject());
        if (retryAfter > 0) {
            throw DomainException.rateLimited(retryAfter);
        }
    }

    private Caller authenticate(ContainerRequestContext request) {
        String authorization = request.getHeaderString("Authorization");
        if (authorization != null) {
            int space = authorization.indexOf(' ');
            String scheme = space < 0 ? authorization : authorization.substring(0, space);
            String credential = space < 0 ? "" : authorization.substring(space + 1).trim();
            if (scheme.equalsIgnoreCase("ApiKey")) {
                return verifier.apiKey(credential);
            }
            if (scheme.equalsIgnoreCase("Bearer")) {
                // Some clients send API keys as bearer tokens.
                return credential.startsWith(ApiKeys.PREFIX) ? verifier.apiKey(credential) : verifier.bearer(credential);
            }
            throw DomainException.unauthorized("unsupported Authorization scheme; use ApiKey or Bearer");
        }
        String key = request.getHeaderString("X-API-Key");
        if (key != null) {
            return verifier.apiKey(key.trim());
        }
        throw DomainException.unauthorized("missing credential: send Authorization: ApiKey <key>, X-API-Key or a Bearer token");
    }

    private record CallerContext(Caller caller, boolean secure) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return caller;
        }

        @Override
        public boolean isUserInRole(String scope) {
            return caller.has(scope);
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return caller.keyId() != null ? "ApiKey" : "Bearer";
        }
    }
}
