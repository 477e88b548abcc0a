package com.stateset.sandbox.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.constraints.NotBlank;

/**
 * A section that selects an extension: {@code type} names the factory, {@code config} holds its
 * settings, bound later to the factory's own config class.
 */
public class ExtensionConfig {

    @JsonProperty
    @NotBlank
    private String type;

    @JsonProperty
    private JsonNode config;

    public ExtensionConfig() {
    }

    public ExtensionConfig(String type, JsonNode config) {
        this.type = type;
        this.config = config;
    }

    public String type() {
        return type;
    }

    /** The raw settings; null when the section has none. */
    public JsonNode config() {
        return config;
    }
}
