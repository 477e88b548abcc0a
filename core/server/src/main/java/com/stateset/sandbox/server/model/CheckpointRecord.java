package com.stateset.sandbox.server.model;

/** A stored checkpoint: {@code size} is the bytes its objects take in the store. */
public record CheckpointRecord(String id, String orgId, String sandboxId, String name, String description, String state,
        String objectKey, String manifestKey, long size, int fileCount, String checksum, boolean includeEnv,
        String metadata, long createdAt) {
}
