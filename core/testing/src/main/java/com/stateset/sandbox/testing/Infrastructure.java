package com.stateset.sandbox.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * Decides what a test does when the infrastructure it needs (a Docker engine, a PostgreSQL server,
 * an image) is missing: on a developer machine it is skipped with the reason; in CI
 * ({@code -Dsandbox.requireInfra=true} or {@code CI=true}) it fails, so that nothing is skipped
 * silently there.
 */
public final class Infrastructure {

    private Infrastructure() {
    }

    public static boolean required() {
        return Boolean.getBoolean("sandbox.requireInfra") || "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips (or, where infrastructure is required, fails) unless {@code available}. */
    public static void require(boolean available, String what) {
        if (available) {
            return;
        }
        if (required()) {
            throw new AssertionError(what + " is required here (CI) but is not available");
        }
        Assumptions.abort(what + " is not available; skipping (CI makes this a failure)");
    }
}
