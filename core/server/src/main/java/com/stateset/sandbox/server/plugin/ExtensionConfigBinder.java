package com.stateset.sandbox.server.plugin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.stateset.sandbox.server.config.StartupException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Binds an extension's {@code config} section to the factory's config class: strictly (unknown
 * keys fail, listing the known ones), then validated. Every error names the YAML path.
 */
public final class ExtensionConfigBinder {

    private final ObjectMapper mapper;
    private final Validator validator;

    public ExtensionConfigBinder(ObjectMapper mapper, Validator validator) {
        this.mapper = requireNonNull(mapper, "mapper is null").copy()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
        this.validator = requireNonNull(validator, "validator is null");
    }

    public <C> C bind(String path, JsonNode section, Class<C> type) {
        JsonNode source = section == null || section.isNull() ? mapper.createObjectNode() : section;
        if (!source.isObject()) {
            throw new StartupException(path + ": must be a mapping of settings");
        }
        C config;
        try {
            config = mapper.treeToValue(source, type);
        } catch (UnrecognizedPropertyException e) {
            List<String> known = e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
            throw new StartupException(path + suffix(e) + ": unknown setting; known settings are " + known);
        } catch (JsonMappingException e) {
            throw new StartupException(path + suffix(e) + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new StartupException(path + ": " + e.getOriginalMessage());
        }
        List<ConstraintViolation<C>> violations = validator.validate(config).stream()
                .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
                .toList();
        if (!violations.isEmpty()) {
            throw new StartupException(violations.stream()
                    .map(v -> path + "." + v.getPropertyPath() + ": " + v.getMessage())
                    .collect(Collectors.joining("\n")));
        }
        return config;
    }

    private static String suffix(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append('.').append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
