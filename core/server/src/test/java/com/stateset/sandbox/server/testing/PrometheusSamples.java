package com.stateset.sandbox.server.testing;

import java.util.HashMap;
import java.util.Map;

/** The samples of a Prometheus text-format scrape, by name and labels as written. */
public final class PrometheusSamples {

    private PrometheusSamples() {
    }

    public static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String value = line.substring(space + 1);
            samples.put(line.substring(0, space), switch (value) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(value);
            });
        }
        return samples;
    }

    /** Scrapes the admin port's {@code /metrics}. */
    public static Map<String, Double> scrape(int adminPort) {
        return parse(new ApiClient(adminPort).get("/metrics").raw());
    }
}
