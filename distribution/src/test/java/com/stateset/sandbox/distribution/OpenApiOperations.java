package com.stateset.sandbox.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** The operations of {@code docs/openapi.yaml}, to check that a client called every one. */
final class OpenApiOperations {

    private static final Path SPEC = Path.of("../docs/openapi.yaml");
    /** Operations a client reaches other than by a plain HTTP call, or has no call for, and why. */
    private static final Set<String> NOT_OVER_HTTP = Set.of(
            "POST /sandbox", // the async Python client's name for POST /sandbox/create, which the SDKs use
            "GET /sandbox/{id}/terminal/connect"); // the terminal's WebSocket, opened by openTerminal

    private OpenApiOperations() {
    }

    /**
     * The operations ({@code METHOD /path/{param}}) that none of {@code calls} ({@code METHOD /path},
     * below /api/v1) made, but for those no client calls over plain HTTP.
     */
    static Set<String> notCalled(Collection<String> calls) {
        Set<String> missing = new TreeSet<>();
        for (String operation : all()) {
            if (NOT_OVER_HTTP.contains(operation)) {
                continue;
            }
            // A parameter is one path segment; the query is not part of the path.
            Pattern pattern = Pattern.compile(Pattern.quote(operation).replaceAll("\\{[^}]+}", "\\\\E[^/?]+\\\\Q") + "(\\?.*)?");
            if (calls.stream().noneMatch(call -> pattern.matcher(call).matches())) {
                missing.add(operation);
            }
        }
        return missing;
    }

    private static Set<String> all() {
        try {
            JsonNode paths = new ObjectMapper(new YAMLFactory()).readTree(SPEC.toFile()).get("paths");
            Set<String> operations = new TreeSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> path = it.next();
                for (String method : List.of("get", "post", "put", "delete", "patch")) {
                    if (path.getValue().has(method)) {
                        operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                    }
                }
            }
            return operations;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
