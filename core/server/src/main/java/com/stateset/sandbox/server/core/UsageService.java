package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.Times;
import com.stateset.sandbox.api.UsageView;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.config.RatesConfig;
import com.stateset.sandbox.server.db.SandboxDao;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.model.SandboxRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.Jdbi;

/**
 * Usage, computed from the sandboxes' own rows rather than metered separately, so that nothing a
 * crash interrupts is lost: a sandbox counts from {@code started_at} to {@code ended_at} (or now),
 * by its {@code cpus} (vCPU-hours) and {@code memory} (GB-hours, 10^9 bytes); a creation counts in
 * the period it was made. Storage is what checkpoints and artifacts hold now. Network egress is
 * what the runtime counted as sent (see {@link EgressMeter}), spread evenly over the time the
 * sandbox ran, since its counter is a total and not a history.
 */
public final class UsageService {

    private static final double MS_PER_HOUR = 3_600_000.0;
    private static final double BYTES_PER_GB = 1e9;
    private static final int MAX_BUCKETS = 24 * 31;
    private static final String NOT_A_TIME = "not a date (2026-11-01) or time (2026-11-01T12:00:00Z)";

    private final Jdbi jdbi;
    private final StorageQuota storage;
    private final RatesConfig rates;
    private final Clock clock;

    public UsageService(Jdbi jdbi, StorageQuota storage, RatesConfig rates, Clock clock) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.storage = requireNonNull(storage, "storage is null");
        this.rates = requireNonNull(rates, "rates is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public UsageView.Current current(Caller caller) {
        long now = clock.millis();
        long start = Plans.periodStart(now);
        long end = Plans.periodEnd(now);
        UsageView.Bucket used = bucket(rows(caller, start, now), start, now, now);
        double storageGb = jdbi.withHandle(handle -> storage.used(handle, caller.orgId())) / BYTES_PER_GB;
        // Storage is billed by the GB-month: what is held now, for the part of the month gone by.
        double monthElapsed = (double) (now - start) / (end - start);
        UsageView.Breakdown breakdown = new UsageView.Breakdown(
                cents(used.cpuHours() * rates.cpuHourCents()),
                cents(used.memoryGbHours() * rates.memoryGbHourCents()),
                cents(used.networkGb() * rates.egressGbCents()),
                cents(storageGb * monthElapsed * rates.storageGbMonthCents()));
        return new UsageView.Current(Times.iso(start), Times.iso(end), used.cpuHours(), used.memoryGbHours(),
                used.networkGb(), round(storageGb), used.sandboxCreations(),
                breakdown.cpuCents() + breakdown.memoryCents() + breakdown.networkCents() + breakdown.storageCents(),
                breakdown);
    }

    public UsageView.History history(Caller caller, String granularity, String startDate, String endDate) {
        String unit = granularity == null ? "daily" : granularity.toLowerCase(Locale.ROOT);
        Duration step = switch (unit) {
            case "daily" -> Duration.ofDays(1);
            case "hourly" -> Duration.ofHours(1);
            default -> throw DomainException.validation("granularity", "must be daily or hourly", List.of("daily", "hourly"));
        };
        long now = clock.millis();
        Instant end = endDate == null ? Instant.ofEpochMilli(now).truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1))
                : time("end_date", endDate, true);
        Instant start = startDate == null ? end.minus(step.multipliedBy(unit.equals("daily") ? 7 : 24))
                : time("start_date", startDate, false);
        if (!start.isBefore(end)) {
            throw DomainException.validation("start_date", "must be before end_date");
        }
        long buckets = Duration.between(start, end).dividedBy(step);
        if (buckets > MAX_BUCKETS) {
            throw DomainException.validation("start_date", "at most " + MAX_BUCKETS + " " + unit + " periods at once");
        }
        List<SandboxRecord> rows = rows(caller, start.toEpochMilli(), end.toEpochMilli());
        List<UsageView.Bucket> data = new ArrayList<>();
        for (Instant from = start; from.isBefore(end); from = from.plus(step)) {
            Instant to = from.plus(step).isAfter(end) ? end : from.plus(step);
            data.add(bucket(rows, from.toEpochMilli(), to.toEpochMilli(), now));
        }
        return new UsageView.History(unit, start.toString(), end.toString(), data);
    }

    /**
     * Each sandbox that ran or was created in the period (by default the month so far), with its
     * compute and egress cost; storage belongs to the organization, not to one sandbox.
     */
    public UsageView.BySandbox bySandbox(Caller caller, String startDate, String endDate) {
        long now = clock.millis();
        Instant start = startDate == null ? Instant.ofEpochMilli(Plans.periodStart(now)) : time("start_date", startDate, false);
        Instant end = endDate == null ? Instant.ofEpochMilli(now) : time("end_date", endDate, true);
        if (!start.isBefore(end)) {
            throw DomainException.validation("start_date", "must be before end_date");
        }
        List<UsageView.SandboxUsage> sandboxes = new ArrayList<>();
        for (SandboxRecord row : rows(caller, start.toEpochMilli(), end.toEpochMilli())) {
            UsageView.Bucket used = bucket(List.of(row), start.toEpochMilli(), end.toEpochMilli(), now);
            long cost = cents(used.cpuHours() * rates.cpuHourCents()) + cents(used.memoryGbHours() * rates.memoryGbHourCents())
                    + cents(used.networkGb() * rates.egressGbCents());
            sandboxes.add(new UsageView.SandboxUsage(row.id(), row.template(), row.status(), row.cpus(), row.memory(),
                    Times.iso(row.createdAt()), Times.iso(row.startedAt()), Times.iso(row.endedAt()), used.cpuHours(),
                    used.memoryGbHours(), used.networkGb(), cost));
        }
        sandboxes.sort(java.util.Comparator.comparingLong(UsageView.SandboxUsage::estimatedCostCents).reversed()
                .thenComparing(UsageView.SandboxUsage::createdAt));
        return new UsageView.BySandbox(start.toString(), end.toString(), sandboxes,
                sandboxes.stream().mapToLong(UsageView.SandboxUsage::estimatedCostCents).sum());
    }

    private List<SandboxRecord> rows(Caller caller, long from, long to) {
        return jdbi.onDemand(SandboxDao.class).activeBetween(caller.orgId(), from, to);
    }

    private static UsageView.Bucket bucket(List<SandboxRecord> rows, long from, long to, long now) {
        double cpuHours = 0;
        double memoryGbHours = 0;
        double networkGb = 0;
        int creations = 0;
        for (SandboxRecord row : rows) {
            if (row.createdAt() >= from && row.createdAt() < to) {
                creations++;
            }
            if (row.startedAt() == null) {
                continue;
            }
            long end = row.endedAt() == null ? now : row.endedAt();
            long ran = Math.min(to, end) - Math.max(from, row.startedAt());
            if (ran > 0) {
                cpuHours += ran / MS_PER_HOUR * row.cpuMillis() / 1000.0;
                memoryGbHours += ran / MS_PER_HOUR * row.memoryBytes() / BYTES_PER_GB;
                networkGb += row.egressBytes() / BYTES_PER_GB * ran / (end - row.startedAt());
            }
        }
        return new UsageView.Bucket(Times.iso(from), Times.iso(to), round(cpuHours), round(memoryGbHours), round(networkGb),
                creations);
    }

    /** A date ({@code 2026-11-01}, the start of that day UTC; for an end, the start of the next) or an ISO time. */
    private static Instant time(String field, String value, boolean end) {
        try {
            if (value.length() == 10) {
                LocalDate day = LocalDate.parse(value);
                return bounded(field, (end ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant());
            }
            return bounded(field, TimeParameter.parse(field, value, NOT_A_TIME));
        } catch (DateTimeParseException e) {
            throw DomainException.validation(field, NOT_A_TIME);
        }
    }

    /** Years 1970 to 9999: epoch milliseconds of anything further do not fit. */
    private static Instant bounded(String field, Instant time) {
        if (time.isBefore(Instant.EPOCH) || time.isAfter(Instant.parse("9999-12-31T23:59:59Z"))) {
            throw DomainException.validation(field, "must lie between 1970 and 9999");
        }
        return time;
    }

    private static double round(double value) {
        return Math.round(value * 1_000_000) / 1_000_000.0;
    }

    private static long cents(double value) {
        return Math.round(value);
    }
}
