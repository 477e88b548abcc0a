package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.server.db.SandboxDao;
import com.stateset.sandbox.server.model.SandboxRecord;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Meters network egress: reads a sandbox's counter from the runtime and keeps the highest reading
 * in its row. Running sandboxes are sampled periodically, and each once more just before the
 * server removes it; what a sandbox sends after its last sample before an end the server did not
 * make (an engine crash, a container killed behind its back) goes uncounted.
 */
public final class EgressMeter {

    private static final Logger LOG = LoggerFactory.getLogger(EgressMeter.class);

    private final Jdbi jdbi;
    private final SandboxRuntime runtime;

    public EgressMeter(Jdbi jdbi, SandboxRuntime runtime) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
    }

    /** Samples one sandbox; a failed reading is skipped (the last one stands), never thrown. */
    public void sample(SandboxRecord row) {
        if (!row.network()) {
            return;
        }
        try {
            long bytes = runtime.networkEgressBytes(row.id());
            if (bytes > 0) {
                jdbi.onDemand(SandboxDao.class).recordEgress(row.id(), bytes);
            }
        } catch (RuntimeException e) {
            LOG.debug("reading the egress of sandbox {} failed: {}", row.id(), e.getMessage());
        }
    }

    /** Keeps a reading of a sandbox's counter taken elsewhere (with its other counters). */
    void record(SandboxRecord row, long bytes) {
        if (row.network() && bytes > 0) {
            jdbi.onDemand(SandboxDao.class).recordEgress(row.id(), bytes);
        }
    }
}
