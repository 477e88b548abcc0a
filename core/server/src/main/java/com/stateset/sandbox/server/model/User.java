package com.stateset.sandbox.server.model;

public record User(String id, String orgId, String email, String firstName, String lastName, String role,
        String useCase, long createdAt) {
}
