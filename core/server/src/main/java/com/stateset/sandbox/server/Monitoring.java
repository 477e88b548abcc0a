package com.stateset.sandbox.server;

import com.stateset.sandbox.server.db.SandboxDao;
import com.stateset.sandbox.server.metrics.DatabaseGauges;
import com.stateset.sandbox.server.metrics.PrometheusServlet;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.metrics.servlets.MetricsServlet;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.LongSupplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Metrics in the Prometheus format at the admin port's /metrics (see {@link PrometheusServlet}),
 * Dropwizard's own at /metrics.json there; nothing on the application port.
 */
final class Monitoring {

    private Monitoring() {
    }

    /** The registry the services add their metrics to, already served. */
    static PrometheusRegistry start(Environment environment, Jdbi jdbi, LongSupplier deliveryBacklog) {
        PrometheusRegistry metrics = new PrometheusRegistry();
        JvmMetrics.builder().register(metrics);
        DatabaseGauges.register(metrics, () -> jdbi.onDemand(SandboxDao.class).countByStatus(), deliveryBacklog);
        environment.admin().addServlet("prometheus-metrics", new PrometheusServlet(metrics)).addMapping("/metrics");
        environment.admin().addServlet("dropwizard-metrics", new MetricsServlet(environment.metrics())).addMapping("/metrics.json");
        return metrics;
    }
}
