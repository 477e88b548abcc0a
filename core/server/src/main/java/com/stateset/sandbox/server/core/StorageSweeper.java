package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.server.db.ArtifactDao;
import com.stateset.sandbox.server.db.CheckpointDao;
import com.stateset.sandbox.server.model.ArtifactRecord;
import com.stateset.sandbox.server.model.CheckpointRecord;
import java.time.Clock;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/**
 * Removes stored objects that must go, then their rows: expired artifacts, deletions the store was
 * too busy or down to finish, and uploads a crashed server left unfinished. {@link Maintenance}
 * runs it every few seconds; a store that is down only delays it.
 */
public final class StorageSweeper {

    private final Jdbi jdbi;
    private final CheckpointService checkpoints;
    private final ArtifactService artifacts;
    private final Clock clock;
    private final Duration abandonedAfter;

    public StorageSweeper(Jdbi jdbi, CheckpointService checkpoints, ArtifactService artifacts, Clock clock,
            Duration abandonedAfter) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.checkpoints = requireNonNull(checkpoints, "checkpoints is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.abandonedAfter = requireNonNull(abandonedAfter, "abandonedAfter is null");
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
}
