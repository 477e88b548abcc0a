package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.BenchmarkView;
import com.stateset.sandbox.api.CreateSandboxRequest;
import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.ExecuteRequest;
import com.stateset.sandbox.api.Times;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.config.TemplateConfig;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.errors.ErrorKind;
import com.stateset.sandbox.server.model.Ids;
import com.stateset.sandbox.server.templates.Templates;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures create-to-first-command on this installation, as a client sees it short of the network:
 * real sandboxes of the caller's organization (they count as its usage), one after another, each
 * stopped after its run. Results are kept, for history and summaries.
 */
public final class BenchmarkService {

    private static final Logger LOG = LoggerFactory.getLogger(BenchmarkService.class);
    static final int MAX_RUNS = 20;
    private static final int MAX_DAYS = 366;
    /** This installation's one region: a filter on another finds nothing. */
    static final String REGION = "local";
    private static final TypeReference<List<BenchmarkView.Sample>> SAMPLES = new TypeReference<>() { };

    private final Jdbi jdbi;
    private final SandboxService sandboxes;
    private final CommandService commands;
    private final Templates templates;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    public BenchmarkService(Jdbi jdbi, SandboxService sandboxes, CommandService commands, Templates templates,
            ObjectMapper mapper, Clock clock) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.sandboxes = requireNonNull(sandboxes, "sandboxes is null");
        this.commands = requireNonNull(commands, "commands is null");
        this.templates = requireNonNull(templates, "templates is null");
        this.mapper = requireNonNull(mapper, "mapper is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public BenchmarkView.Run run(Caller caller, Integer runs, String templateName) {
        int count = runs == null ? 5 : runs;
        if (count < 1 || count > MAX_RUNS) {
            throw DomainException.validation("runs", "must be between 1 and " + MAX_RUNS);
        }
        TemplateConfig template = templates.resolve(templateName);
        // One at a time per organization: a client that retries a slow GET must not start another.
        if (!running.add(caller.orgId())) {
            throw new DomainException(ErrorKind.CONFLICT, ErrorCodes.BENCHMARK_RUNNING,
                    "a benchmark of this organization is running; wait for its answer");
        }
        List<BenchmarkView.Sample> samples = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                samples.add(once(caller, template));
            }
        } finally {
            running.remove(caller.orgId());
        }
        String id = Ids.newId("bench");
        long now = clock.millis();
        String json = json(samples);
        jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO benchmark_runs (id, org_id, template, region, runs,"
                        + " total_median_ms, samples, created_at) VALUES (:id, :org, :template, :region, :runs, :median, :samples, :now)")
                .bind("id", id).bind("org", caller.orgId()).bind("template", template.name()).bind("region", REGION)
                .bind("runs", count).bind("median", stats(samples, BenchmarkView.Sample::totalMs).median())
                .bind("samples", json).bind("now", now)
                .execute());
        return view(id, template.name(), now, samples);
    }

    private BenchmarkView.Sample once(Caller caller, TemplateConfig template) {
        long started = System.nanoTime();
        String id = sandboxes.create(caller, new CreateSandboxRequest(template.name(), null, null, 120, null,
                mapper.createObjectNode().put("benchmark", true), null, null, null, null, null, null, null)).id();
        try {
            long created = System.nanoTime();
            var result = commands.run(commands.prepare(caller, id, new ExecuteRequest(mapper.getNodeFactory().arrayNode().add("true"),
                    false, null, null, null, null, null)));
            long answered = System.nanoTime();
            if (result.exitCode() != 0) {
                throw new DomainException(ErrorKind.CONFLICT, ErrorCodes.BENCHMARK_FAILED,
                        "the benchmark's first command exited with " + result.exitCode());
            }
            long createMs = millis(created - started);
            long firstCommandMs = millis(answered - created);
            return new BenchmarkView.Sample(createMs, firstCommandMs, createMs + firstCommandMs);
        } finally {
            try {
                sandboxes.stop(caller, id);
            } catch (RuntimeException e) {
                LOG.warn("stopping benchmark sandbox {} failed; it expires by itself: {}", id, e.getMessage());
            }
        }
    }

    public BenchmarkView.History history(Caller caller, Integer limit, Integer offset, Integer days, String region) {
        int pageSize = limit == null ? 20 : limit;
        if (pageSize < 1 || pageSize > 100) {
            throw DomainException.validation("limit", "must be between 1 and 100");
        }
        int skip = offset == null ? 0 : offset;
        if (skip < 0) {
            throw DomainException.validation("offset", "must not be negative");
        }
        long since = since(days);
        if (region != null && !region.isEmpty() && !region.equals(REGION)) {
            return new BenchmarkView.History(List.of(), 0);
        }
        return jdbi.withHandle(handle -> {
            List<BenchmarkView.Run> runs = handle.createQuery("SELECT id, template, samples, created_at FROM benchmark_runs"
                            + " WHERE org_id = :org AND created_at >= :since ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset")
                    .bind("org", caller.orgId()).bind("since", since).bind("limit", pageSize).bind("offset", skip)
                    .map((rs, ctx) -> view(rs.getString("id"), rs.getString("template"), rs.getLong("created_at"),
                            samples(rs.getString("samples"))))
                    .list();
            long total = handle.createQuery("SELECT COUNT(*) FROM benchmark_runs WHERE org_id = :org AND created_at >= :since")
                    .bind("org", caller.orgId()).bind("since", since).mapTo(Long.class).one();
            return new BenchmarkView.History(runs, total);
        });
    }

    /** Every sample of the last {@code days} (30 by default) taken together. */
    public BenchmarkView.Summary summary(Caller caller, Integer days) {
        int window = days == null ? 30 : days;
        long since = since(window);
        List<BenchmarkView.Run> runs = jdbi.withHandle(handle -> handle.createQuery("SELECT id, template, samples, created_at"
                        + " FROM benchmark_runs WHERE org_id = :org AND created_at >= :since ORDER BY created_at DESC, id")
                .bind("org", caller.orgId()).bind("since", since)
                .map((rs, ctx) -> view(rs.getString("id"), rs.getString("template"), rs.getLong("created_at"),
                        samples(rs.getString("samples"))))
                .list());
        List<BenchmarkView.Sample> all = runs.stream().flatMap(r -> r.results().stream()).toList();
        return new BenchmarkView.Summary(window, runs.size(), all.size(),
                all.isEmpty() ? null : stats(all, BenchmarkView.Sample::createMs),
                all.isEmpty() ? null : stats(all, BenchmarkView.Sample::firstCommandMs),
                all.isEmpty() ? null : stats(all, BenchmarkView.Sample::totalMs),
                runs.isEmpty() ? null : runs.get(0));
    }

    private long since(Integer days) {
        if (days == null) {
            return 0;
        }
        if (days < 1 || days > MAX_DAYS) {
            throw DomainException.validation("days", "must be between 1 and " + MAX_DAYS);
        }
        return clock.millis() - Duration.ofDays(days).toMillis();
    }

    private static BenchmarkView.Run view(String id, String template, long createdAt, List<BenchmarkView.Sample> samples) {
        BenchmarkView.Stats total = stats(samples, BenchmarkView.Sample::totalMs);
        long sum = samples.stream().mapToLong(BenchmarkView.Sample::totalMs).sum();
        return new BenchmarkView.Run(id, template, REGION, samples.size(), Times.iso(createdAt),
                stats(samples, BenchmarkView.Sample::createMs), stats(samples, BenchmarkView.Sample::firstCommandMs), total,
                sum == 0 ? 0 : Math.round(60_000.0 * samples.size() / sum * 10) / 10.0, samples);
    }

    /** Median and 95th percentile by nearest rank. */
    static BenchmarkView.Stats stats(List<BenchmarkView.Sample> samples, java.util.function.ToLongFunction<BenchmarkView.Sample> of) {
        long[] values = samples.stream().mapToLong(of).sorted().toArray();
        return new BenchmarkView.Stats(rank(values, 50), rank(values, 95), values[0], values[values.length - 1]);
    }

    private static long rank(long[] sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    private String json(List<BenchmarkView.Sample> samples) {
        try {
            return mapper.writeValueAsString(samples);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<BenchmarkView.Sample> samples(String json) {
        try {
            return mapper.readValue(json, SAMPLES);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored benchmark run is unreadable", e);
        }
    }
}
