package com.stateset.sandbox.server.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.stateset.sandbox.server.config.TemplateConfig;
import java.util.List;
import java.util.Map;

/**
 * A template: {@code id} (its name), {@code category}, {@code tags} and {@code config} (the
 * defaults of its sandboxes) as the current clients read them, and the older flat fields.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TemplateView(String id, String name, String description, String category, List<String> tags,
        Config config, String image, List<String> preinstalled, String cpus, String memory, boolean network) {

    /** @param timeoutSeconds the effective default lifetime: the template's own or the server's */
    public static TemplateView of(TemplateConfig t, int defaultTimeoutSeconds) {
        int timeout = t.timeoutSeconds() == null ? defaultTimeoutSeconds : t.timeoutSeconds();
        return new TemplateView(t.name(), t.name(), t.description(), t.category(), t.tags(),
                new Config(t.cpus(), t.memory(), timeout, t.env(), t.network()), t.image(), t.preinstalled(), t.cpus(),
                t.memory(), t.network());
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Config(String cpus, String memory, int timeoutSeconds, Map<String, String> env, boolean network) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Listing(List<TemplateView> templates) {
    }
}
