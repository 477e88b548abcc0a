package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.server.db.SandboxDao;
import com.stateset.sandbox.server.model.SandboxRecord;
import com.stateset.sandbox.server.model.SandboxStatus;
import com.stateset.sandbox.server.pool.WarmPool;
import com.stateset.sandbox.spi.runtime.RuntimeSandbox;
import com.stateset.sandbox.spi.runtime.RuntimeState;
import com.stateset.sandbox.spi.runtime.SandboxLabels;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converges the database (desired state) and the runtime (actual state) of this installation:
 *
 * <ul>
 *   <li>a labelled sandbox with no row, or whose row is finished or deleted, is removed, unless this
 *       process holds it in its warm pool;
 *   <li>a {@code creating} row older than this server process, or than the create timeout, was cut
 *       short by a crash: its sandbox is removed and the row marked {@code error};
 *   <li>a {@code running} row whose sandbox vanished or stopped is marked {@code error}, unless it
 *       expired: then its engine ended it at its longest lifetime while the server was away, and the
 *       expiry check stops it as expired;
 *   <li>a {@code terminating} row is finished (sandbox removed, row {@code terminated}).
 * </ul>
 *
 * Every row change is conditional on the status read, so a request acting at the same moment wins.
 */
public final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final Jdbi jdbi;
    private final SandboxRuntime runtime;
    private final String installId;
    private final Clock clock;
    private final long processStartedAt;
    private final long createTimeoutMs;
    private final SandboxStates states;
    private final WarmPool pool;

    public Reconciler(Jdbi jdbi, SandboxRuntime runtime, SandboxStates states, String installId, Clock clock,
            long processStartedAt, long createTimeoutMs, WarmPool pool) {
        this.pool = requireNonNull(pool, "pool is null");
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.states = requireNonNull(states, "states is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.installId = requireNonNull(installId, "installId is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.processStartedAt = processStartedAt;
        this.createTimeoutMs = createTimeoutMs;
    }

    /** One pass. Throws if the runtime cannot be listed; the caller retries on its schedule. */
    public synchronized Result reconcile() {
        SandboxDao dao = jdbi.onDemand(SandboxDao.class);
        // Rows first, then the runtime: a create that starts in between has a row we did not read
        // but a container we see, and it is left alone below because its row is young.
        Map<String, SandboxRecord> active = new HashMap<>();
        for (SandboxRecord row : dao.withStatus(SandboxStatus.values(
                SandboxStatus.CREATING, SandboxStatus.RUNNING, SandboxStatus.TERMINATING))) {
            active.put(row.id(), row);
        }
        List<RuntimeSandbox> actual = runtime.list(Map.of(SandboxLabels.INSTALL_ID, installId));
        long now = clock.millis();
        Result result = new Result();

        for (RuntimeSandbox sandbox : actual) {
            SandboxRecord row = active.remove(sandbox.sandboxId());
            if (row == null && pool.holds(sandbox.sandboxId())) {
                continue; // started ahead for the warm pool, waiting to be claimed
            }
            if (row == null) {
                Optional<SandboxRecord> any = dao.findAny(sandbox.sandboxId());
                if (any.isPresent() && isActive(any.get())) {
                    continue; // created after the rows were read
                }
                remove(sandbox.sandboxId(), any.isPresent() ? "its row is " + any.get().status() : "it has no row");
                result.removed++;
                continue;
            }
            switch (row.sandboxStatus()) {
                case CREATING -> {
                    if (interrupted(row, now)) {
                        remove(row.id(), "its creation was interrupted");
                        states.end(row, row.sandboxStatus(), SandboxStatus.ERROR, "creation interrupted (server restarted)");
                        result.failed++;
                    }
                }
                case RUNNING -> {
                    if (sandbox.state() != RuntimeState.RUNNING && !expired(row, now)) {
                        remove(row.id(), "it stopped on its own");
                        states.end(row, row.sandboxStatus(), SandboxStatus.ERROR,
                                "sandbox stopped unexpectedly" + (sandbox.detail() == null ? "" : ": " + sandbox.detail()));
                        result.failed++;
                    }
                }
                case TERMINATING -> {
                    remove(row.id(), "its stop was interrupted");
                    states.end(row, row.sandboxStatus(), SandboxStatus.TERMINATED, null);
                    result.finished++;
                }
                default -> {
                }
            }
        }
        // Rows left have no sandbox in the runtime.
        for (SandboxRecord row : active.values()) {
            switch (row.sandboxStatus()) {
                case CREATING -> {
                    if (interrupted(row, now)) {
                        states.end(row, row.sandboxStatus(), SandboxStatus.ERROR, "creation interrupted (server restarted)");
                        result.failed++;
                    }
                }
                case RUNNING -> {
                    if (!expired(row, now) && states.end(row, row.sandboxStatus(), SandboxStatus.ERROR, "the sandbox's container vanished")) {
                        LOG.warn("sandbox {} vanished from the runtime", row.id());
                        result.failed++;
                    }
                }
                case TERMINATING -> {
                    states.end(row, row.sandboxStatus(), SandboxStatus.TERMINATED, null);
                    result.finished++;
                }
                default -> {
                }
            }
        }
        if (result.removed + result.failed + result.finished > 0) {
            LOG.info("reconciled: {} removed, {} marked error, {} stops finished", result.removed, result.failed, result.finished);
        }
        return result;
    }

    /** Whether the row's lifetime is over: the expiry check's to stop, whatever became of its sandbox. */
    private static boolean expired(SandboxRecord row, long now) {
        return row.expiresAt() <= now;
    }

    private boolean interrupted(SandboxRecord row, long now) {
        return row.createdAt() < processStartedAt || now - row.createdAt() > createTimeoutMs;
    }

    private static boolean isActive(SandboxRecord row) {
        return row.deletedAt() == null && !row.sandboxStatus().isFinal();
    }

    private void remove(String sandboxId, String why) {
        LOG.info("removing sandbox {} from the runtime: {}", sandboxId, why);
        runtime.remove(sandboxId);
    }

    /** What one pass changed. */
    public static final class Result {
        public int removed;
        public int failed;
        public int finished;
    }
}
