package com.stateset.sandbox.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load generator: wrk (a C HTTP benchmark, event-driven) on loopback, two threads, a fixed
 * number of keep-alive connections, for a fixed time, on the same cores as the server.
 */
final class Wrk {

    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern ERRORS = Pattern.compile("Non-2xx or 3xx responses:\\s+([0-9]+)");
    private static final Pattern REQUESTS = Pattern.compile("([0-9]+) requests in");

    private Wrk() {
    }

    static Result run(String url, String key, int connections, int seconds) throws IOException, InterruptedException {
        Process wrk = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency",
                "-H", "X-API-Key: " + key, url).redirectErrorStream(true).start();
        String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (wrk.waitFor() != 0) {
            throw new IOException("wrk failed: " + output);
        }
        return new Result(connections, seconds, (long) number(REQUESTS, output), number(RATE, output),
                latency("50%", output), latency("99%", output), (long) optional(ERRORS, output));
    }

    static boolean installed() {
        try {
            return new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start().waitFor() <= 1;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static double number(Pattern pattern, String output) throws IOException {
        Matcher m = pattern.matcher(output);
        if (!m.find()) {
            throw new IOException("unreadable wrk output: " + output);
        }
        return Double.parseDouble(m.group(1));
    }

    private static double optional(Pattern pattern, String output) {
        Matcher m = pattern.matcher(output);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** A latency percentile line ({@code 99%  12.34ms}) in milliseconds. */
    private static double latency(String percentile, String output) throws IOException {
        Matcher m = Pattern.compile("^\\s*" + Pattern.quote(percentile) + "\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE)
                .matcher(output);
        if (!m.find()) {
            throw new IOException("no " + percentile + " latency in wrk output: " + output);
        }
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }

    /** One run: requests completed, their rate, latency percentiles in ms, answers other than 2xx/3xx. */
    record Result(int connections, int seconds, long requests, double requestsPerSecond, double p50Ms, double p99Ms,
            long non2xx) {
    }

    static List<Integer> defaultConnections() {
        return List.of(16, 64);
    }
}
