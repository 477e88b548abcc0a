package com.stateset.sandbox.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * {@code POST /sandbox/create}. Beyond the published fields: {@code network} (override the
 * template's network access) and {@code session_id} (a caller's own correlation id).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CreateSandboxRequest(
        String template,
        String cpus,
        String memory,
        Integer timeoutSeconds,
        Map<String, String> env,
        JsonNode metadata,
        String checkpointId,
        String orgId,
        String sessionId,
        Boolean network) {

    public static final CreateSandboxRequest EMPTY = new CreateSandboxRequest(null, null, null, null, null, null, null, null, null, null);
}
