package com.stateset.sandbox.server.model;

/** A stored API key: its SHA-256 hash only, never the key. */
public record ApiKeyRecord(String id, String orgId, String userId, String name, String keyPrefix, String keyHash,
        String scopes, long createdAt, Long expiresAt, Long lastUsedAt, Long revokedAt) {
}
