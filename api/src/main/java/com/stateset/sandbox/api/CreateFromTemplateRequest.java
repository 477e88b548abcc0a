package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/** {@code POST /sandbox/create-from-template}: a template by id, with its defaults overridden. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CreateFromTemplateRequest(String templateId, Integer timeoutSeconds, Map<String, String> env,
        String overrideCpus, String overrideMemory, JsonNode metadata, String orgId, String sessionId, Boolean network,
        String isolation) {

    /** The equivalent {@code POST /sandbox/create}. */
    public CreateSandboxRequest toCreate() {
        return new CreateSandboxRequest(templateId, overrideCpus, overrideMemory, timeoutSeconds, env, metadata, null, orgId,
                sessionId, network, isolation, null, null);
    }
}
