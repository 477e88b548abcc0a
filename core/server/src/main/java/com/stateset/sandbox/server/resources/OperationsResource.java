package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.BenchmarkView;
import com.stateset.sandbox.api.MetricsView;
import com.stateset.sandbox.api.OperationsView;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.Scopes;
import com.stateset.sandbox.server.core.BenchmarkService;
import com.stateset.sandbox.server.core.MetricsService;
import com.stateset.sandbox.server.events.DeliveryQueue;
import com.stateset.sandbox.server.http.Audited;
import com.stateset.sandbox.server.pool.WarmPool;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/** How sandboxes and the installation are doing: metrics, the warm pool, the delivery queue, benchmarks. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public final class OperationsResource {

    private final MetricsService metrics;
    private final WarmPool pool;
    private final DeliveryQueue queue;
    private final BenchmarkService benchmarks;

    public OperationsResource(MetricsService metrics, WarmPool pool, DeliveryQueue queue, BenchmarkService benchmarks) {
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.pool = requireNonNull(pool, "pool is null");
        this.queue = requireNonNull(queue, "queue is null");
        this.benchmarks = requireNonNull(benchmarks, "benchmarks is null");
    }

    @GET
    @Path("/sandbox/{id}/metrics")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public MetricsView.Current metrics(@Auth Caller caller, @PathParam("id") String id) {
        return metrics.current(caller, id);
    }

    @GET
    @Path("/sandbox/{id}/metrics/history")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public MetricsView.History metricsHistory(@Auth Caller caller, @PathParam("id") String id,
            @QueryParam("limit") String limit) {
        return metrics.history(caller, id, QueryParams.integer("limit", limit));
    }

    @GET
    @Path("/sandbox/{id}/metrics/summary")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public MetricsView.SummaryAnswer metricsSummary(@Auth Caller caller, @PathParam("id") String id) {
        return metrics.summary(caller, id);
    }

    @GET
    @Path("/pool/stats")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public OperationsView.Pool poolStats(@Auth Caller caller) {
        Map<String, OperationsView.PoolTemplate> templates = new LinkedHashMap<>();
        pool.stats().forEach((name, s) -> templates.put(name, new OperationsView.PoolTemplate(s.target(), s.ready(), s.creating())));
        int ready = templates.values().stream().mapToInt(OperationsView.PoolTemplate::ready).sum();
        int creating = templates.values().stream().mapToInt(OperationsView.PoolTemplate::creating).sum();
        return new OperationsView.Pool(!templates.isEmpty(), ready + creating, ready, creating,
                templates.values().stream().mapToInt(OperationsView.PoolTemplate::target).sum(), templates);
    }

    @GET
    @Path("/queue/health")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public OperationsView.Queue queueHealth(@Auth Caller caller) {
        return queue.health(caller);
    }

    /** A GET, as clients call it, though it creates sandboxes: it needs the write scope. */
    @GET
    @Path("/benchmark")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("benchmark.run")
    public BenchmarkView.Run benchmark(@Auth Caller caller, @QueryParam("runs") String runs,
            @QueryParam("template") String template) {
        return benchmarks.run(caller, QueryParams.integer("runs", runs), template);
    }

    @GET
    @Path("/benchmark/history")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public BenchmarkView.History benchmarkHistory(@Auth Caller caller, @QueryParam("limit") String limit,
            @QueryParam("offset") String offset, @QueryParam("days") String days, @QueryParam("region") String region) {
        return benchmarks.history(caller, QueryParams.integer("limit", limit), QueryParams.integer("offset", offset),
                QueryParams.integer("days", days), region);
    }

    @GET
    @Path("/benchmark/summary")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public BenchmarkView.Summary benchmarkSummary(@Auth Caller caller, @QueryParam("days") String days) {
        return benchmarks.summary(caller, QueryParams.integer("days", days));
    }
}
