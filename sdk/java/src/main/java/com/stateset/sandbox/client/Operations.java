package com.stateset.sandbox.client;

import com.stateset.sandbox.api.BenchmarkView;
import com.stateset.sandbox.api.OperationsView;
import java.time.Duration;
import java.util.Map;

/** The installation's warm pool and delivery queue, benchmarks, and health. */
public final class Operations {

    private final Transport http;

    Operations(Transport http) {
        this.http = http;
    }

    public OperationsView.Pool pool() {
        return http.json(new Transport.Call("GET", "/pool/stats"), OperationsView.Pool.class);
    }

    /** The organization's webhook deliveries waiting and done. */
    public OperationsView.Queue queue() {
        return http.json(new Transport.Call("GET", "/queue/health"), OperationsView.Queue.class);
    }

    /** Creates {@code runs} real sandboxes of the template (they count in the plan) and times each to its first command. */
    public BenchmarkView.Run benchmark(int runs, String template) {
        return http.json(new Transport.Call("GET", "/benchmark").query("runs", runs).query("template", template)
                .timeout(http.atLeast(Duration.ofMinutes(5))), BenchmarkView.Run.class);
    }

    public BenchmarkView.History benchmarkHistory(int limit, int offset) {
        return http.json(new Transport.Call("GET", "/benchmark/history").query("limit", limit).query("offset", offset),
                BenchmarkView.History.class);
    }

    public BenchmarkView.Summary benchmarkSummary(int days) {
        return http.json(new Transport.Call("GET", "/benchmark/summary").query("days", days), BenchmarkView.Summary.class);
    }

    /** The server's API description (OpenAPI 3.1). */
    public com.fasterxml.jackson.databind.JsonNode openApi() {
        return http.json(new Transport.Call("GET", "/openapi.json"), com.fasterxml.jackson.databind.JsonNode.class);
    }

    /** The server's API description as its YAML text. */
    public String openApiYaml() {
        try (java.io.InputStream in = http.stream(new Transport.Call("GET", "/openapi.yaml").header("Accept", "application/yaml")).body()) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new SandboxConnectionException("reading the API description broke: " + e.getMessage(), e);
        }
    }

    /** Each part's health; an unhealthy server answers a {@link SandboxApiException.ServerException} (503). */
    @SuppressWarnings("unchecked")
    public Map<String, String> health() {
        return http.json(new Transport.Call("GET", "/health"), Map.class);
    }
}
