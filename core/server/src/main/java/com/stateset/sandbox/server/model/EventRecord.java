package com.stateset.sandbox.server.model;

/** A stored event: {@code body} is the JSON document every destination receives. */
public record EventRecord(String id, String orgId, String sandboxId, String type, String body, long createdAt) {
}
