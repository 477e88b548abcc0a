package com.stateset.sandbox.server.metrics;

import com.stateset.sandbox.server.model.SandboxStatus;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Gauges read from the database, each at most every {@link #MAX_AGE}: the sandboxes by status and
 * the event delivery backlog. They count every organization's rows together (an organization is
 * never a label), so every server on one database reports the same values: aggregate them across
 * servers with {@code max}, not {@code sum}.
 */
public final class DatabaseGauges {

    static final Duration MAX_AGE = Duration.ofSeconds(5);

    private DatabaseGauges() {
    }

    /**
     * @param sandboxesByStatus sandbox rows by status value, all organizations', deleted ones too
     * @param backlog event deliveries pending or being attempted
     */
    public static void register(PrometheusRegistry registry, Supplier<Map<String, Long>> sandboxesByStatus,
            LongSupplier backlog) {
        CachedReading<Map<String, Long>> byStatus = new CachedReading<>("sandboxes by status", MAX_AGE, sandboxesByStatus);
        GaugeWithCallback.builder()
                .name("sandbox_sandboxes")
                .help("Sandboxes by status, all organizations (read from the database at most every 5 s)")
                .labelNames("status")
                .callback(gauge -> byStatus.get().ifPresent(counts -> {
                    for (SandboxStatus status : SandboxStatus.values()) {
                        gauge.call(counts.getOrDefault(status.value(), 0L), status.value());
                    }
                }))
                .register(registry);

        CachedReading<Long> outstanding = new CachedReading<>("the delivery backlog", MAX_AGE, backlog::getAsLong);
        GaugeWithCallback.builder()
                .name("sandbox_webhook_backlog")
                .help("Event deliveries to webhooks and event sinks pending or being attempted"
                        + " (read from the database at most every 5 s)")
                .callback(gauge -> outstanding.get().ifPresent(gauge::call))
                .register(registry);
    }
}
