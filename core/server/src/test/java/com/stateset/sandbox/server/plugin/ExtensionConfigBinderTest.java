package com.stateset.sandbox.server.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.server.config.StartupException;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.junit.jupiter.api.Test;

class ExtensionConfigBinderTest {

    private final ObjectMapper mapper = Jackson.newObjectMapper();
    private final ExtensionConfigBinder binder = new ExtensionConfigBinder(mapper, Validators.newValidator());

    public static class ExampleConfig {
        @JsonProperty
        @NotBlank
        String endpoint = "http://localhost";

        @JsonProperty
        @Min(1)
        int retries = 3;
    }

    @Test
    void bindsAndKeepsDefaults() throws Exception {
        ExampleConfig config = binder.bind("store.config", mapper.readTree("{\"retries\": 5}"), ExampleConfig.class);
        assertThat(config.retries).isEqualTo(5);
        assertThat(config.endpoint).isEqualTo("http://localhost");
        assertThat(binder.bind("store.config", null, ExampleConfig.class).retries).isEqualTo(3);
    }

    @Test
    void unknownSettingNamesThePathAndTheKnownSettings() throws Exception {
        assertThatThrownBy(() -> binder.bind("store.config", mapper.readTree("{\"retry\": 5}"), ExampleConfig.class))
                .isInstanceOf(StartupException.class)
                .hasMessage("store.config.retry: unknown setting; known settings are [endpoint, retries]");
    }

    @Test
    void wrongTypesAndInvalidValuesNameThePath() throws Exception {
        assertThatThrownBy(() -> binder.bind("store.config", mapper.readTree("{\"retries\": \"many\"}"), ExampleConfig.class))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("store.config.retries: ");
        assertThatThrownBy(() -> binder.bind("store.config", mapper.readTree("{\"retries\": 0, \"endpoint\": \"\"}"), ExampleConfig.class))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("store.config.endpoint: ")
                .hasMessageContaining("store.config.retries: must be greater than or equal to 1");
        assertThatThrownBy(() -> binder.bind("store.config", mapper.readTree("[1]"), ExampleConfig.class))
                .isInstanceOf(StartupException.class)
                .hasMessage("store.config: must be a mapping of settings");
    }
}
