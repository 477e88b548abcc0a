package com.stateset.sandbox.bench;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What one benchmark run measured: written as JSON and printed as Markdown tables. */
final class Report {

    private static final long MIB = 1024 * 1024;

    @JsonProperty
    Map<String, Object> machine = new LinkedHashMap<>();
    @JsonProperty
    String startedAt;
    @JsonProperty
    String finishedAt;
    @JsonProperty
    Benchmark.Options options;
    @JsonProperty
    final List<Comparison> comparisons = new ArrayList<>();
    @JsonProperty
    final List<Wrk.Result> throughput = new ArrayList<>();
    @JsonProperty
    final List<Density> density = new ArrayList<>();
    @JsonProperty
    final List<String> notes = new ArrayList<>();
    /** Targets measured outside the comparisons (see {@link #targets()}). */
    @JsonIgnore
    final List<Target> measured = new ArrayList<>();
    @JsonIgnore
    private final Map<String, Samples> raw = new HashMap<>();

    static final String OUTPUT_LATENCY = "output latency: a line's arrival after the process wrote it";

    void add(String name, Samples ours, Samples rawSamples) {
        Samples.Summary oursSummary = ours.summary();
        Samples.Summary rawSummary = rawSamples == null ? null : rawSamples.summary();
        if (rawSamples != null) {
            raw.put(name, rawSamples);
        }
        comparisons.add(new Comparison(name, oursSummary, rawSummary,
                rawSummary == null ? null : oursSummary.medianMs() / rawSummary.medianMs()));
    }

    Samples rawSamples(String name) {
        return raw.get(name);
    }

    /** The targets the project set itself, each with what this run measured. */
    @JsonProperty
    List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        ratio("create to first command (warm pool) vs raw cold create+start+exec", 0.3, targets);
        ratio("create to running (cold)", 1.3, targets);
        ratio("exec round trip (echo hi)", 1.2, targets);
        for (Wrk.Result load : throughput) {
            targets.add(new Target("status endpoint, " + load.connections() + " connections",
                    ">= 5000 requests/s, p99 < 20 ms",
                    String.format(Locale.ROOT, "%.0f requests/s, p99 %.1f ms", load.requestsPerSecond(), load.p99Ms()),
                    load.requestsPerSecond() >= 5000 && load.p99Ms() < 20 && load.non2xx() == 0));
        }
        density.stream().filter(d -> d.sandboxes() == 500).findFirst().ifPresent(d -> targets.add(new Target(
                "500 idle sandboxes", "server RSS < 512 MiB", d.serverRssBytes() / MIB + " MiB", d.serverRssBytes() < 512 * MIB)));
        comparisons.stream().filter(c -> c.name().equals(OUTPUT_LATENCY)).findFirst().ifPresent(c -> targets.add(new Target(
                "first byte of streamed output", "<= 5 ms after the process writes it",
                String.format(Locale.ROOT, "median %.1f ms, p95 %.1f ms (raw docker exec: %.1f ms)", c.ours().medianMs(),
                        c.ours().p95Ms(), c.raw().medianMs()), c.ours().medianMs() <= 5)));
        targets.addAll(measured);
        return targets;
    }

    private void ratio(String comparison, double goal, List<Target> targets) {
        comparisons.stream().filter(c -> c.name().equals(comparison) && c.ratio() != null).findFirst().ifPresent(c ->
                targets.add(new Target(comparison, String.format(Locale.ROOT, "<= %.1fx raw", goal),
                        String.format(Locale.ROOT, "%.2fx (%.1f ms vs %.1f ms)", c.ratio(), c.ours().medianMs(), c.raw().medianMs()),
                        c.ratio() <= goal)));
    }

    void print(PrintStream out) {
        out.println("Machine: " + machine);
        out.println();
        out.println("| Measurement | ours median | ours p95 | raw median | raw p95 | ours / raw |");
        out.println("|---|---:|---:|---:|---:|---:|");
        for (Comparison c : comparisons) {
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", c.name(), ms(c.ours().medianMs()), ms(c.ours().p95Ms()),
                    c.raw() == null ? "" : ms(c.raw().medianMs()), c.raw() == null ? "" : ms(c.raw().p95Ms()),
                    c.ratio() == null ? "" : String.format(Locale.ROOT, "%.2fx", c.ratio()));
        }
        if (!throughput.isEmpty()) {
            out.println();
            out.println("| `GET /sandbox/{id}/status` load (wrk, 2 threads) | requests/s | p50 | p99 | non-2xx |");
            out.println("|---|---:|---:|---:|---:|");
            for (Wrk.Result r : throughput) {
                out.printf(Locale.ROOT, "| %d connections, %d s | %.0f | %s | %s | %d |%n", r.connections(), r.seconds(),
                        r.requestsPerSecond(), ms(r.p50Ms()), ms(r.p99Ms()), r.non2xx());
            }
        }
        if (!density.isEmpty()) {
            out.println();
            out.println("| Idle sandboxes | server RSS | server live heap | host memory per sandbox | time to create them |");
            out.println("|---:|---:|---:|---:|---:|");
            for (Density d : density) {
                out.printf(Locale.ROOT, "| %d | %d MiB | %d MiB | %s | %s |%n", d.sandboxes(), d.serverRssBytes() / MIB,
                        d.liveHeapBytes() / MIB, d.sandboxes() == 0 ? "" : String.format(Locale.ROOT, "%.1f MiB",
                                d.hostBytesPerSandbox() / (double) MIB),
                        d.sandboxes() == 0 ? "" : String.format(Locale.ROOT, "%.0f s", d.createSeconds()));
            }
        }
        out.println();
        out.println("| Target | goal | measured | met |");
        out.println("|---|---|---|---|");
        for (Target t : targets()) {
            out.printf("| %s | %s | %s | %s |%n", t.name(), t.goal(), t.measured(), t.met() ? "yes" : "**no**");
        }
        for (String note : notes) {
            out.println();
            out.println("Note: " + note);
        }
    }

    private static String ms(double value) {
        return String.format(Locale.ROOT, value < 10 ? "%.2f ms" : "%.1f ms", value);
    }

    /** Ours against raw (null where the raw engine has no counterpart); ratio of the medians. */
    record Comparison(String name, Samples.Summary ours, Samples.Summary raw, Double ratio) {
    }

    /** The server and the host with {@code sandboxes} idle sandboxes running. */
    record Density(int sandboxes, long serverRssBytes, long liveHeapBytes, long hostBytesPerSandbox, double createSeconds) {
    }

    record Target(String name, String goal, String measured, boolean met) {
    }
}
