package com.stateset.sandbox.server.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.stateset.sandbox.server.errors.DomainException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Bearer tokens: HS256 only, signed with the configured secret, with an expiry. The algorithm is
 * pinned, so {@code alg: none} and tokens signed any other way are refused. Claims: {@code org_id}
 * (required), {@code sub}, and {@code scopes} (a list) or {@code scope} (space-separated). A token
 * that names no scope may read and write sandboxes but not administer (mint keys): a short-lived
 * token must not be able to make itself a permanent key.
 */
public final class JwtVerifier {

    public static final int MIN_SECRET_BYTES = 32;
    private final JWTVerifier verifier;

    public JwtVerifier(String secret) {
        if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("auth.jwtSecret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        this.verifier = JWT.require(Algorithm.HMAC256(secret)).acceptLeeway(30).build();
    }

    /** The caller the token speaks for (its organization not yet checked to exist). */
    public Caller verify(String token) {
        DecodedJWT jwt;
        try {
            jwt = verifier.verify(token);
        } catch (JWTVerificationException e) {
            throw DomainException.unauthorized("invalid bearer token");
        }
        if (jwt.getExpiresAt() == null) {
            throw DomainException.unauthorized("bearer token has no expiry (exp)");
        }
        String orgId = jwt.getClaim("org_id").asString();
        if (orgId == null || orgId.isBlank()) {
            throw DomainException.unauthorized("bearer token has no org_id claim");
        }
        String subject = jwt.getSubject() == null ? "jwt:" + orgId : jwt.getSubject();
        return new Caller(orgId, jwt.getSubject(), null, "jwt:" + subject, scopes(jwt));
    }

    private static Set<String> scopes(DecodedJWT jwt) {
        Claim list = jwt.getClaim("scopes");
        List<String> scopes = list.isMissing() || list.isNull() ? null : list.asList(String.class);
        if (scopes == null) {
            String spaced = jwt.getClaim("scope").asString();
            scopes = spaced == null ? List.of() : Arrays.stream(spaced.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        }
        return scopes.isEmpty() ? Set.of(Scopes.SANDBOX_READ, Scopes.SANDBOX_WRITE) : new HashSet<>(scopes);
    }
}
