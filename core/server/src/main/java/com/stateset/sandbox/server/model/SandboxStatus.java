package com.stateset.sandbox.server.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** A sandbox's status, exactly as the API reports it. */
public enum SandboxStatus {
    CREATING,
    RUNNING,
    TERMINATING,
    TERMINATED,
    ERROR;

    /** The wire and database form. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFinal() {
        return this == TERMINATED || this == ERROR;
    }

    public static SandboxStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    public static List<String> values(SandboxStatus... statuses) {
        return Arrays.stream(statuses).map(SandboxStatus::value).toList();
    }
}
