package com.stateset.sandbox.api;

import java.time.Instant;

/** Epoch milliseconds as the API writes times: ISO-8601 UTC. */
public final class Times {

    private Times() {
    }

    public static String iso(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString();
    }
}
