package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.server.db.ArtifactDao;
import com.stateset.sandbox.server.db.CheckpointDao;
import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes stored objects that must go, then their rows: expired artifacts, deletions the store was
 * too busy or down to finish, and uploads a crashed server left unfinished. Runs at start and then
 * every few seconds; a store that is down only delays it.
 */
public final class StorageSweeper implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(StorageSweeper.class);

    private final Jdbi jdbi;
    private final CheckpointService checkpoints;
    private final ArtifactService artifacts;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Duration every;
    private final Duration abandonedAfter;

    public StorageSweeper(Jdbi jdbi, CheckpointService checkpoints, ArtifactService artifacts, Clock clock,
            ScheduledExecutorService scheduler, Duration every, Duration abandonedAfter) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.checkpoints = requireNonNull(checkpoints, "checkpoints is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.scheduler = requireNonNull(scheduler, "scheduler is null");
        this.every = requireNonNull(every, "every is null");
        this.abandonedAfter = requireNonNull(abandonedAfter, "abandonedAfter is null");
    }

    @Override
    public void start() {
        scheduler.scheduleWithFixedDelay(this::sweepQuietly, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        scheduler.shutdownNow();
    }

    /** One pass; returns how many rows were removed with their objects. */
    public int sweep() {
        long now = clock.millis();
        long abandoned = now - abandonedAfter.toMillis();
        int removed = 0;
        for (CheckpointRecord row : jdbi.onDemand(CheckpointDao.class).leftovers(abandoned)) {
            removed += checkpoints.sweep(row) ? 1 : 0;
        }
        for (ArtifactRecord row : jdbi.onDemand(ArtifactDao.class).leftovers(abandoned, now)) {
            removed += artifacts.sweep(row) ? 1 : 0;
        }
        return removed;
    }

    private void sweepQuietly() {
        try {
            int removed = sweep();
            if (removed > 0) {
                LOG.info("storage sweep removed {} checkpoint(s) and artifact(s)", removed);
            }
        } catch (RuntimeException e) {
            LOG.warn("storage sweep failed, retrying in {} s: {}", every.toSeconds(), e.getMessage());
        }
    }
}
