package com.stateset.sandbox.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The warm pool: idle sandboxes ready per template, and creates that claimed one ({@code hit}) or
 * found none ready ({@code miss}). Creates whose shape the pool does not hold are not counted.
 */
public final class PoolMetrics {

    private final Counter claims;

    public PoolMetrics(PrometheusRegistry registry, Set<String> templates, Supplier<Map<String, Integer>> idle) {
        GaugeWithCallback.builder()
                .name("sandbox_pool_idle")
                .help("Pooled sandboxes started and waiting to be claimed, by template")
                .labelNames("template")
                .callback(gauge -> idle.get().forEach((template, n) -> gauge.call(n, template)))
                .register(registry);
        claims = Counter.builder()
                .name("sandbox_pool_claims_total")
                .help("Creates of a pooled shape that claimed a pooled sandbox (hit) or found none ready (miss)")
                .labelNames("template", "outcome")
                .register(registry);
        for (String template : templates) {
            claims.initLabelValues(template, "hit");
            claims.initLabelValues(template, "miss");
        }
    }

    public void hit(String template) {
        claims.labelValues(template, "hit").inc();
    }

    public void miss(String template) {
        claims.labelValues(template, "miss").inc();
    }
}
