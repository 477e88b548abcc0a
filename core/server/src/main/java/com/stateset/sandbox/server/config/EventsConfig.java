package com.stateset.sandbox.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.List;

/**
 * Operator-wide destinations for events, besides the organizations' own webhooks: each entry names
 * an event sink a plugin provides ({@code type}) with its settings ({@code config}); each receives
 * every event of the installation.
 */
public class EventsConfig {

    @JsonProperty
    @Valid
    @NotNull
    private List<ExtensionConfig> sinks = new ArrayList<>();

    public List<ExtensionConfig> sinks() {
        return sinks;
    }
}
