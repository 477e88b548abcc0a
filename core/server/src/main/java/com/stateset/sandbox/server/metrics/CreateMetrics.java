package com.stateset.sandbox.server.metrics;

import com.stateset.sandbox.api.CreateSandboxRequest;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * {@code POST /sandbox/create}: how long a create takes until the sandbox is running, and how many
 * fail after the sandbox was recorded (the runtime could not create or start it). Requests refused
 * before that (validation, quotas) are the caller's, not failures. {@code source} tells a sandbox
 * made from a template from one made from a checkpoint, which also copies the checkpoint's files;
 * {@code start} tells a sandbox claimed from the warm pool ({@code warm}) from one started for the
 * request ({@code cold}).
 */
public final class CreateMetrics {

    /** Seconds: a pooled sandbox is claimed in milliseconds, a container starts in well under one; an image pull or a large checkpoint takes much longer. */
    private static final double[] BUCKETS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120};
    private static final String TEMPLATE = "template";
    private static final String CHECKPOINT = "checkpoint";
    private static final String WARM = "warm";
    private static final String COLD = "cold";

    private final Histogram duration;
    private final Counter failures;

    public CreateMetrics(PrometheusRegistry registry) {
        duration = Histogram.builder()
                .name("sandbox_create_duration_seconds")
                .help("Time from a create request to its sandbox running, successful creates only")
                .unit(Unit.SECONDS)
                .labelNames("source", "start")
                .classicOnly()
                .classicUpperBounds(BUCKETS)
                .register(registry);
        failures = Counter.builder()
                .name("sandbox_create_failures_total")
                .help("Creates that failed after the sandbox was recorded: the runtime could not create or start it")
                .labelNames("source", "start")
                .register(registry);
        // Every series exists from the start, so that rates and ratios have a baseline.
        for (String source : new String[] {TEMPLATE, CHECKPOINT}) {
            for (String start : new String[] {WARM, COLD}) {
                duration.initLabelValues(source, start);
                failures.initLabelValues(source, start);
            }
        }
    }

    public void succeeded(CreateSandboxRequest request, boolean warm, long elapsedNanos) {
        duration.labelValues(source(request), warm ? WARM : COLD).observe(Unit.nanosToSeconds(elapsedNanos));
    }

    public void failed(CreateSandboxRequest request, boolean warm) {
        failures.labelValues(source(request), warm ? WARM : COLD).inc();
    }

    private static String source(CreateSandboxRequest request) {
        return request.checkpointId() == null ? TEMPLATE : CHECKPOINT;
    }
}
