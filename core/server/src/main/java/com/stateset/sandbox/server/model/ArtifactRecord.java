package com.stateset.sandbox.server.model;

/** A stored artifact: one object under {@code artifacts/<org-id>/<remote_path>}. */
public record ArtifactRecord(String id, String orgId, String sandboxId, String path, String remotePath, String objectKey,
        String state, long size, String checksum, String contentType, String metadata, long createdAt, Long expiresAt) {
}
