package com.stateset.sandbox.server.metrics;

import com.stateset.sandbox.spi.runtime.ExecResult;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * Commands run through the API, streamed or not: how long those that ran took (to their exit or
 * their timeout), and how each ended. Outcomes: {@code completed} (exit 0), {@code failed} (another
 * exit code), {@code timed_out} (ended at its timeout), {@code error} (could not run to its end: the
 * runtime failed, the sandbox vanished, or a streaming client went away).
 */
public final class CommandMetrics {

    /** Seconds: from a quick {@code ls} to a build or a test run. */
    private static final double[] BUCKETS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};
    private static final String[] OUTCOMES = {"completed", "failed", "timed_out", "error"};

    private final Histogram duration;
    private final Counter outcomes;

    public CommandMetrics(PrometheusRegistry registry) {
        duration = Histogram.builder()
                .name("sandbox_exec_duration_seconds")
                .help("Time commands ran, to their exit or their timeout")
                .unit(Unit.SECONDS)
                .classicOnly()
                .classicUpperBounds(BUCKETS)
                .register(registry);
        outcomes = Counter.builder()
                .name("sandbox_exec_total")
                .help("Commands run, by outcome: completed (exit 0), failed (another exit code), timed_out, error")
                .labelNames("outcome")
                .register(registry);
        // Every series exists from the start, so that rates and ratios have a baseline.
        for (String outcome : OUTCOMES) {
            outcomes.initLabelValues(outcome);
        }
    }

    public void ran(ExecResult result, long elapsedNanos) {
        duration.observe(Unit.nanosToSeconds(elapsedNanos));
        outcomes.labelValues(result.timedOut() ? "timed_out" : result.exitCode() == 0 ? "completed" : "failed").inc();
    }

    public void errored() {
        outcomes.labelValues("error").inc();
    }
}
