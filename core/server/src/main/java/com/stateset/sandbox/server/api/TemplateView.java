package com.stateset.sandbox.server.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.stateset.sandbox.server.config.TemplateConfig;
import java.util.List;

@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TemplateView(String name, String description, String image, List<String> preinstalled, String cpus,
        String memory, boolean network) {

    public static TemplateView of(TemplateConfig t) {
        return new TemplateView(t.name(), t.description(), t.image(), t.preinstalled(), t.cpus(), t.memory(), t.network());
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Listing(List<TemplateView> templates) {
    }
}
