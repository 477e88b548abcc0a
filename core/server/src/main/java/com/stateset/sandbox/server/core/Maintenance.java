package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.server.db.SandboxDao;
import com.stateset.sandbox.server.model.SandboxRecord;
import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background upkeep: reconciles at start (before the server accepts requests) and then
 * periodically, stops expired sandboxes every few seconds, samples running sandboxes' usage and
 * sweeps the object store. A runtime that is down only delays this work; the server keeps serving
 * what the database knows.
 */
public final class Maintenance implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

    private final Reconciler reconciler;
    private final SandboxService sandboxes;
    private final Jdbi jdbi;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Duration reconcileEvery;
    private final Duration expireEvery;
    private final StorageSweeper sweeper;
    private final Duration sweepEvery;
    private final UsageSampler usage;
    private final Duration usageEvery;

    public Maintenance(Reconciler reconciler, SandboxService sandboxes, StorageSweeper sweeper, Jdbi jdbi, Clock clock,
            ScheduledExecutorService scheduler, Duration reconcileEvery, Duration expireEvery, Duration sweepEvery,
            UsageSampler usage, Duration usageEvery) {
        // The scheduler needs a thread per task, so that a slow reconciliation or an object store
        // that hangs never holds up expiry.
        this.usage = requireNonNull(usage, "usage is null");
        this.usageEvery = requireNonNull(usageEvery, "usageEvery is null");
        this.sweeper = requireNonNull(sweeper, "sweeper is null");
        this.sweepEvery = requireNonNull(sweepEvery, "sweepEvery is null");
        this.reconciler = requireNonNull(reconciler, "reconciler is null");
        this.sandboxes = requireNonNull(sandboxes, "sandboxes is null");
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.scheduler = requireNonNull(scheduler, "scheduler is null");
        this.reconcileEvery = requireNonNull(reconcileEvery, "reconcileEvery is null");
        this.expireEvery = requireNonNull(expireEvery, "expireEvery is null");
    }

    @Override
    public void start() {
        reconcileQuietly();
        scheduler.scheduleWithFixedDelay(this::reconcileQuietly, reconcileEvery.toMillis(), reconcileEvery.toMillis(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::expireQuietly, expireEvery.toMillis(), expireEvery.toMillis(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::sweepQuietly, 0, sweepEvery.toMillis(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::meterQuietly, usageEvery.toMillis(), usageEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        scheduler.shutdownNow();
    }

    private void sweepQuietly() {
        try {
            int removed = sweeper.sweep();
            if (removed > 0) {
                LOG.info("storage sweep removed {} checkpoint(s) and artifact(s)", removed);
            }
        } catch (RuntimeException e) {
            LOG.warn("storage sweep failed, retrying in {} s: {}", sweepEvery.toSeconds(), e.getMessage());
        }
    }

    private void meterQuietly() {
        try {
            usage.sampleRunning();
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("sampling usage failed, retrying in {} s: {}", usageEvery.toSeconds(), e.getMessage());
        }
    }

    private void reconcileQuietly() {
        try {
            reconciler.reconcile();
        } catch (RuntimeException e) {
            LOG.warn("reconciliation failed, retrying in {} s: {}", reconcileEvery.toSeconds(), e.getMessage());
        }
    }

    /** Stops every running sandbox past its {@code expires_at}. */
    private void expireQuietly() {
        try {
            for (SandboxRecord row : jdbi.onDemand(SandboxDao.class).expired(clock.millis())) {
                try {
                    sandboxes.expire(row);
                    LOG.info("sandbox {} expired and was stopped", row.id());
                } catch (RuntimeException e) {
                    LOG.warn("stopping expired sandbox {} failed; the reconciler will finish it: {}", row.id(), e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("expiry check failed: {}", e.getMessage());
        }
    }
}
