package com.stateset.sandbox.server.metrics;

import static java.util.Objects.requireNonNull;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;

/**
 * {@code GET /metrics} on the admin port: the registry in the Prometheus text format, or in
 * OpenMetrics when the scraper asks for it (Prometheus does). The protobuf format is not offered:
 * its writer is not on the class path.
 *
 * <p>The metrics are Prometheus instruments, not Dropwizard ones bridged: a Dropwizard timer
 * exports quantiles of a decaying sample and no sum, which cannot be aggregated across servers or
 * averaged over a window, while a Prometheus histogram's buckets and sum can; labels (a sandbox's
 * status, a command's outcome) are native too. Dropwizard's own metrics (Jetty, Jersey, the
 * connection pool) stay on the admin port as JSON at {@code /metrics.json}.
 */
public final class PrometheusServlet extends HttpServlet {

    private final transient PrometheusRegistry registry;
    private final transient ExpositionFormats formats = ExpositionFormats.init();

    public PrometheusServlet(PrometheusRegistry registry) {
        this.registry = requireNonNull(registry, "registry is null");
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ExpositionFormatWriter openMetrics = formats.getOpenMetricsTextFormatWriter();
        ExpositionFormatWriter writer = openMetrics.accepts(request.getHeader("Accept"))
                ? openMetrics : formats.getPrometheusTextFormatWriter();
        MetricSnapshots snapshots = registry.scrape();
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(writer.getContentType());
        response.setHeader("Cache-Control", "no-store");
        try (OutputStream body = response.getOutputStream()) {
            writer.write(body, snapshots);
        }
    }
}
