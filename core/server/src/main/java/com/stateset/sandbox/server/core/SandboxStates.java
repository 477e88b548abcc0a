package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.EventTypes;
import com.stateset.sandbox.server.db.SandboxDao;
import com.stateset.sandbox.server.events.Events;
import com.stateset.sandbox.server.model.SandboxRecord;
import com.stateset.sandbox.server.model.SandboxStatus;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** Ends a sandbox's life in the database together with the event that reports it, in one transaction. */
public final class SandboxStates {

    private final Jdbi jdbi;
    private final Events events;
    private final Clock clock;

    public SandboxStates(Jdbi jdbi, Events events, Clock clock) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    private static final int MAX_REASON = 1000;

    /**
     * Moves the sandbox from {@code from} to {@code to} ({@code terminated} or {@code error}) if it
     * is still in {@code from}, recording {@code sandbox.stopped} or {@code sandbox.error}; false if
     * it was not.
     */
    public boolean end(SandboxRecord row, SandboxStatus from, SandboxStatus to, String fullReason) {
        // The column holds 1000 characters; an engine's reason can be longer.
        String reason = fullReason == null || fullReason.length() <= MAX_REASON ? fullReason
                : fullReason.substring(0, MAX_REASON - 3) + "...";
        return jdbi.inTransaction(handle -> {
            if (handle.attach(SandboxDao.class).end(row.id(), from.value(), to.value(), reason, clock.millis()) == 0) {
                return false;
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("status", to.value());
            if (reason != null) {
                data.put("reason", reason);
            }
            events.record(handle, to == SandboxStatus.ERROR ? EventTypes.SANDBOX_ERROR : EventTypes.SANDBOX_STOPPED,
                    row.orgId(), row.id(), data);
            return true;
        });
    }
}
