package com.stateset.sandbox.bench;

import java.util.ArrayList;
import java.util.List;

/** Durations of repeated runs of one operation, in milliseconds. */
final class Samples {

    private final List<Double> millis = new ArrayList<>();

    void addNanos(long nanos) {
        millis.add(nanos / 1e6);
    }

    /** Nearest-rank percentile in milliseconds. */
    double percentileMs(int p) {
        return percentile(millis.stream().sorted().toList(), p);
    }

    Summary summary() {
        List<Double> sorted = millis.stream().sorted().toList();
        return new Summary(percentile(sorted, 50), percentile(sorted, 95), sorted.size());
    }

    /** Nearest-rank percentile: the smallest value with at least p% of the runs at or below it. */
    private static double percentile(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    /** Median and 95th percentile in milliseconds, over {@code runs} runs. */
    record Summary(double medianMs, double p95Ms, int runs) {
    }
}
