package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.MetricsView;
import com.stateset.sandbox.api.Times;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.db.MetricsDao;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.errors.ErrorKind;
import com.stateset.sandbox.server.model.MetricsSample;
import com.stateset.sandbox.server.model.SandboxRecord;
import com.stateset.sandbox.spi.runtime.ResourceUsage;
import com.stateset.sandbox.spi.runtime.SandboxMissingException;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.jdbi.v3.core.Jdbi;

/**
 * Sandboxes' resource use, from the runtime's own counters: read on request for the current
 * figures, and sampled periodically (see {@link UsageSampler}) into a history kept for a while.
 * CPU use is a rate, so it is measured between two readings: the current one and the last sample
 * (or the sandbox's start).
 */
public final class MetricsService {

    private static final int MAX_HISTORY = 1000;
    /** Readings older than this are too stale to measure the current CPU rate against. */
    private static final Duration RATE_WINDOW = Duration.ofMinutes(10);

    private final Jdbi jdbi;
    private final SandboxRuntime runtime;
    private final SandboxService sandboxes;
    private final Clock clock;
    private final Duration retention;

    public MetricsService(Jdbi jdbi, SandboxRuntime runtime, SandboxService sandboxes, Clock clock, Duration retention) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.sandboxes = requireNonNull(sandboxes, "sandboxes is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.retention = requireNonNull(retention, "retention is null");
    }

    public MetricsView.Current current(Caller caller, String id) {
        SandboxRecord row = sandboxes.requireRunning(caller, id);
        try {
            return new MetricsView.Current(id, reading(row, read(row, dao().latest(id))));
        } catch (SandboxMissingException e) {
            throw sandboxes.vanished(row, e);
        } catch (UnsupportedOperationException e) {
            throw new DomainException(ErrorKind.CONFLICT, ErrorCodes.METRICS_NOT_AVAILABLE,
                    "this installation's sandbox runtime does not report" + " resource usage");
        }
    }

    public MetricsView.History history(Caller caller, String id, Integer limit) {
        int count = limit == null ? 100 : limit;
        if (count < 1 || count > MAX_HISTORY) {
            throw DomainException.validation("limit", "must be between 1 and " + MAX_HISTORY);
        }
        SandboxRecord row = sandboxes.find(caller, id);
        List<MetricsSample> samples = new ArrayList<>(dao().newest(id, count));
        Collections.reverse(samples);
        return new MetricsView.History(id, samples.stream().map(s -> reading(row, s)).toList());
    }

    public MetricsView.SummaryAnswer summary(Caller caller, String id) {
        SandboxRecord row = sandboxes.find(caller, id);
        List<MetricsSample> samples = dao().newest(id, Integer.MAX_VALUE);
        if (samples.isEmpty()) {
            return new MetricsView.SummaryAnswer(id, null);
        }
        Map<String, ToDoubleFunction<MetricsSample>> measures = new LinkedHashMap<>();
        measures.put("cpu", MetricsSample::cpuCores);
        measures.put("cpu_percentage", s -> percent(s.cpuCores(), row.cpuMillis() / 1000.0));
        measures.put("memory", s -> s.memoryBytes());
        measures.put("memory_percentage", s -> percent(s.memoryBytes(), row.memoryBytes()));
        if (samples.stream().allMatch(s -> s.diskBytes() != null)) {
            measures.put("storage", s -> s.diskBytes());
            measures.put("storage_percentage", s -> percent(s.diskBytes(), s.diskLimitBytes()));
        }
        Map<String, Double> avg = new LinkedHashMap<>();
        Map<String, Double> max = new LinkedHashMap<>();
        Map<String, Double> min = new LinkedHashMap<>();
        measures.forEach((name, measure) -> {
            avg.put(name, round(samples.stream().mapToDouble(measure).average().orElse(0)));
            max.put(name, round(samples.stream().mapToDouble(measure).max().orElse(0)));
            min.put(name, round(samples.stream().mapToDouble(measure).min().orElse(0)));
        });
        long first = samples.get(samples.size() - 1).sampledAt();
        long last = samples.get(0).sampledAt();
        return new MetricsView.SummaryAnswer(id, new MetricsView.Summary(avg, max, min, (last - first) / 1000,
                samples.size(), Times.iso(first), Times.iso(last)));
    }

    /**
     * Stores a reading of a running sandbox and answers it. Throws what the runtime throws:
     * {@link UnsupportedOperationException} from one that does not report usage.
     */
    MetricsSample sample(SandboxRecord row) {
        MetricsSample sample = read(row, dao().latest(row.id()));
        dao().insert(sample);
        return sample;
    }

    /** Forgets readings past the retention; answers how many. */
    int prune() {
        return dao().deleteBefore(clock.millis() - retention.toMillis());
    }

    private MetricsSample read(SandboxRecord row, Optional<MetricsSample> previous) {
        ResourceUsage usage = runtime.usage(row.id());
        long now = clock.millis();
        long fromNanos = 0;
        long fromMillis = row.startedAt() == null ? row.createdAt() : row.startedAt();
        if (previous.isPresent() && now - previous.get().sampledAt() < RATE_WINDOW.toMillis()
                && previous.get().cpuNanos() <= usage.cpuNanos() && previous.get().sampledAt() < now) {
            fromNanos = previous.get().cpuNanos();
            fromMillis = previous.get().sampledAt();
        }
        double cores = now > fromMillis ? (usage.cpuNanos() - fromNanos) / 1e6 / (now - fromMillis) : 0;
        return new MetricsSample(row.id(), now, usage.cpuNanos(), round(cores), usage.memoryBytes(), usage.diskBytes(),
                usage.diskLimitBytes(), usage.networkRxBytes(), usage.networkTxBytes());
    }

    private static MetricsView.Reading reading(SandboxRecord row, MetricsSample s) {
        double cpuLimit = row.cpuMillis() / 1000.0;
        return new MetricsView.Reading(Times.iso(s.sampledAt()),
                new MetricsView.Gauge(s.cpuCores(), cpuLimit, percent(s.cpuCores(), cpuLimit)),
                new MetricsView.Gauge(s.memoryBytes(), row.memoryBytes(), percent(s.memoryBytes(), row.memoryBytes())),
                s.diskBytes() == null ? null : new MetricsView.Storage(s.diskBytes(), s.diskLimitBytes()),
                new MetricsView.Network(s.networkRxBytes(), s.networkTxBytes()));
    }

    private static double percent(double used, double limit) {
        return limit <= 0 ? 0 : round(100.0 * used / limit);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private MetricsDao dao() {
        return jdbi.onDemand(MetricsDao.class);
    }
}
