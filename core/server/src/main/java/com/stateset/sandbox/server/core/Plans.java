package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.server.config.PlanConfig;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * The configured plans. An organization on a plan the configuration no longer names gets the
 * default plan's limits. Monthly limits count calendar months in UTC.
 */
public final class Plans {

    private final Map<String, PlanConfig> plans;
    private final String defaultPlan;

    public Plans(Map<String, PlanConfig> plans, String defaultPlan) {
        this.plans = Map.copyOf(requireNonNull(plans, "plans is null"));
        this.defaultPlan = requireNonNull(defaultPlan, "defaultPlan is null");
        if (!plans.containsKey(defaultPlan)) {
            throw new IllegalArgumentException("the default plan '" + defaultPlan + "' is not configured");
        }
    }

    public PlanConfig of(String plan) {
        return plans.getOrDefault(plan, plans.get(defaultPlan));
    }

    /** The name whose limits apply to an organization on {@code plan}. */
    public String effectiveName(String plan) {
        return plans.containsKey(plan) ? plan : defaultPlan;
    }

    public boolean exists(String plan) {
        return plans.containsKey(plan);
    }

    public java.util.Set<String> names() {
        return plans.keySet();
    }

    /** The start of the calendar month (UTC) holding {@code epochMillis}. */
    public static long periodStart(long epochMillis) {
        YearMonth month = YearMonth.from(Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC));
        return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    /** The start of the next calendar month (UTC) after the one holding {@code epochMillis}. */
    public static long periodEnd(long epochMillis) {
        YearMonth month = YearMonth.from(Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC));
        return month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
}
