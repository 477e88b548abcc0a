package com.stateset.sandbox.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.errors.ErrorKind;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JwtVerifierTest {

    static final String SECRET = "0123456789abcdef0123456789abcdef-test-secret";
    private final JwtVerifier verifier = new JwtVerifier(SECRET);

    static String token(String secret, String org, Instant expires) {
        return JWT.create().withClaim("org_id", org).withSubject("user_1").withExpiresAt(expires)
                .withClaim("scopes", List.of("sandbox:read")).sign(Algorithm.HMAC256(secret));
    }

    @Test
    void acceptsASignedUnexpiredToken() {
        Caller caller = verifier.verify(token(SECRET, "org_a", Instant.now().plusSeconds(600)));
        assertThat(caller.orgId()).isEqualTo("org_a");
        assertThat(caller.userId()).isEqualTo("user_1");
        assertThat(caller.scopes()).isEqualTo(Set.of("sandbox:read"));
        assertThat(caller.keyId()).isNull();
    }

    @Test
    void aTokenWithoutScopesMayUseSandboxesButNotAdminister() {
        Caller caller = verifier.verify(JWT.create().withClaim("org_id", "org_a").withExpiresAt(Instant.now().plusSeconds(60))
                .sign(Algorithm.HMAC256(SECRET)));
        assertThat(caller.scopes()).containsExactlyInAnyOrder("sandbox:read", "sandbox:write");
        assertThat(caller.has("admin")).isFalse();
        Caller empty = verifier.verify(JWT.create().withClaim("org_id", "org_a").withClaim("scopes", List.<String>of())
                .withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.HMAC256(SECRET)));
        assertThat(empty.has("admin")).isFalse();
    }

    @Test
    void refusesAlgNone() {
        String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        String payload = b64("{\"org_id\":\"org_a\",\"exp\":" + (Instant.now().getEpochSecond() + 600) + "}");
        assertUnauthorized(header + "." + payload + ".");
        assertUnauthorized(header + "." + payload);
    }

    @Test
    void refusesForeignKeysExpiredTokensAndMissingClaims() throws Exception {
        assertUnauthorized(token("another-secret-that-is-long-enough-to-use!", "org_a", Instant.now().plusSeconds(600)));
        assertUnauthorized(token(SECRET, "org_a", Instant.now().minusSeconds(600)));
        assertUnauthorized(JWT.create().withClaim("org_id", "org_a").sign(Algorithm.HMAC256(SECRET)));
        assertUnauthorized(JWT.create().withExpiresAt(Instant.now().plusSeconds(600)).sign(Algorithm.HMAC256(SECRET)));

        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var pair = generator.generateKeyPair();
        assertUnauthorized(JWT.create().withClaim("org_id", "org_a").withExpiresAt(Instant.now().plusSeconds(600))
                .sign(Algorithm.RSA256((RSAPublicKey) pair.getPublic(), (RSAPrivateKey) pair.getPrivate())));
        assertUnauthorized("not-a-jwt");
    }

    @Test
    void refusesShortSecrets() {
        assertThatThrownBy(() -> new JwtVerifier("short")).isInstanceOf(IllegalArgumentException.class);
    }

    private void assertUnauthorized(String token) {
        assertThatThrownBy(() -> verifier.verify(token))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAUTHENTICATED));
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
