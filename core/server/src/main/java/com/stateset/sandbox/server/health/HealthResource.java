package com.stateset.sandbox.server.health;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;

/**
 * {@code GET /health} (also under {@code /api/v1}), no credential: 200 when every part is healthy,
 * 503 otherwise. Results are cached for two seconds so probes cannot load the engine.
 */
@Path("/health")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthResource {

    private final LoadingCache<String, Health> cache;

    public HealthResource(HealthCheckRegistry checks) {
        requireNonNull(checks, "checks is null");
        this.cache = Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(2)).build(k -> Health.of(checks));
    }

    @GET
    public Response health() {
        Health health = cache.get("health");
        return Response.status(health.status().equals(Health.HEALTHY) ? 200 : 503).entity(health).build();
    }

    /** The same under the API's base path (its own root resource, so {@code /api/v1} resources do not shadow it). */
    @Path("/api/v1/health")
    @Produces(MediaType.APPLICATION_JSON)
    public static final class UnderApi {
        private final HealthResource health;

        public UnderApi(HealthResource health) {
            this.health = requireNonNull(health, "health is null");
        }

        @GET
        public Response health() {
            return health.health();
        }
    }

    /** {@code {status, database, runtime, storage}}, each {@code healthy} or {@code unhealthy}. */
    public record Health(
            @JsonProperty("status") String status,
            @JsonProperty("database") String database,
            @JsonProperty("runtime") String runtime,
            @JsonProperty("storage") String storage) {

        static final String HEALTHY = "healthy";
        static final String UNHEALTHY = "unhealthy";

        static Health of(HealthCheckRegistry checks) {
            String database = state(checks, "database");
            String runtime = state(checks, "runtime");
            String storage = state(checks, "storage");
            boolean all = database.equals(HEALTHY) && runtime.equals(HEALTHY) && storage.equals(HEALTHY);
            return new Health(all ? HEALTHY : UNHEALTHY, database, runtime, storage);
        }

        private static String state(HealthCheckRegistry checks, String name) {
            try {
                HealthCheck.Result result = checks.runHealthCheck(name);
                return result.isHealthy() ? HEALTHY : UNHEALTHY;
            } catch (java.util.NoSuchElementException e) {
                return UNHEALTHY;
            }
        }
    }
}
