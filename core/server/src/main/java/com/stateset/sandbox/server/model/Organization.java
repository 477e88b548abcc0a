package com.stateset.sandbox.server.model;

/** A tenant: every key, user and sandbox belongs to exactly one. */
public record Organization(String id, String name, String slug, String plan, long createdAt) {
}
