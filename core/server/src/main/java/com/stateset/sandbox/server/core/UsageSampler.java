package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.server.db.SandboxDao;
import com.stateset.sandbox.server.model.SandboxRecord;
import com.stateset.sandbox.server.model.SandboxStatus;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every running sandbox's counters once a period: its metrics sample and its egress. Readings
 * run a few at a time, since one can take the engine a second. A runtime that reports no usage is
 * still metered for egress.
 */
public final class UsageSampler {

    private static final Logger LOG = LoggerFactory.getLogger(UsageSampler.class);
    private static final int CONCURRENT_READINGS = 8;

    private final Jdbi jdbi;
    private final MetricsService metrics;
    private final EgressMeter egress;

    public UsageSampler(Jdbi jdbi, MetricsService metrics, EgressMeter egress) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.egress = requireNonNull(egress, "egress is null");
    }

    public void sampleRunning() throws InterruptedException {
        List<SandboxRecord> running = jdbi.onDemand(SandboxDao.class).withStatus(List.of(SandboxStatus.RUNNING.value()));
        Semaphore slots = new Semaphore(CONCURRENT_READINGS);
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (SandboxRecord row : running) {
                slots.acquire();
                readers.execute(() -> {
                    try {
                        sample(row);
                    } finally {
                        slots.release();
                    }
                });
            }
        }
        metrics.prune();
    }

    private void sample(SandboxRecord row) {
        try {
            egress.record(row, metrics.sample(row).networkTxBytes());
        } catch (UnsupportedOperationException noUsage) {
            egress.sample(row);
        } catch (RuntimeException e) {
            LOG.debug("reading the counters of sandbox {} failed: {}", row.id(), e.getMessage());
        }
    }
}
