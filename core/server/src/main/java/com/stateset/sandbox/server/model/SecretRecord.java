package com.stateset.sandbox.server.model;

/**
 * A stored secret. {@code ciphertext} is {@link SecretCipher}'s stored form, never the value;
 * {@code allowedSandboxPatterns} is a JSON list of globs.
 */
public record SecretRecord(String id, String orgId, String name, String scope, String ciphertext,
        String allowedSandboxPatterns, Long expiresAt, long createdAt, long updatedAt) {

    public boolean expired(long now) {
        return expiresAt != null && expiresAt <= now;
    }
}
