package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * A template: {@code id} (its name), {@code category}, {@code tags} and {@code config} (the
 * defaults of its sandboxes) as the current clients read them, and the older flat fields.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TemplateView(String id, String name, String description, String category, List<String> tags,
        Config config, String image, List<String> preinstalled, String cpus, String memory, boolean network) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Config(String cpus, String memory, int timeoutSeconds, Map<String, String> env, boolean network) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Listing(List<TemplateView> templates) {
    }
}
