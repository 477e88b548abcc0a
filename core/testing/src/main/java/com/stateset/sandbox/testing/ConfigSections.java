package com.stateset.sandbox.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.validation.BaseValidator;
import jakarta.validation.Validator;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An extension's {@code config} section bound as the server binds it (Dropwizard's mapper, strict:
 * unknown settings, nulls for primitives and numbers for enums fail), and the settings that then
 * fail validation. Modules using it declare dropwizard-jackson, dropwizard-validation and
 * jackson-dataformat-yaml as test dependencies.
 */
public final class ConfigSections {

    private static final ObjectMapper YAML = Jackson.newObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
    private static final Validator VALIDATOR = BaseValidator.newValidator();

    private ConfigSections() {
    }

    /** Binds a section written in YAML. */
    public static <C> C bind(String yaml, Class<C> type) throws JsonProcessingException {
        return YAML.readValue(yaml, type);
    }

    /** Binds the section at {@code pointer} (a JSON pointer such as {@code /runtime/config}) of a whole server config. */
    public static <C> C bind(String document, String pointer, Class<C> type) throws JsonProcessingException {
        JsonNode section = YAML.readTree(document).at(pointer);
        return YAML.treeToValue(section, type);
    }

    /** The settings (property paths) that fail validation; empty when the config is valid. */
    public static Set<String> invalidSettings(Object config) {
        return VALIDATOR.validate(config).stream().map(v -> v.getPropertyPath().toString()).collect(Collectors.toSet());
    }

    /** The config as the server would write it out (to check what it leaves out, such as secrets). */
    public static String write(Object config) throws JsonProcessingException {
        return YAML.writeValueAsString(config);
    }
}
