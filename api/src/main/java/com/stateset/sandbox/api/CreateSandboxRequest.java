package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * {@code POST /sandbox/create} (also {@code POST /sandbox}). Beyond the published fields:
 * {@code network} (override the template's network access) and {@code session_id} (a caller's own
 * correlation id). {@code isolation} is one the runtime offers; {@code image} one of the allowed
 * images; {@code desktop_os} is refused: this server has no desktop images.
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
        Boolean network,
        String isolation,
        String image,
        String desktopOs) {

    public static final CreateSandboxRequest EMPTY = new CreateSandboxRequest(null, null, null, null, null, null, null, null,
            null, null, null, null, null);
}
