package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * {@code command} is a shell string (run by {@code /bin/sh -c}) or an argv list; {@code timeout} is
 * in ms; {@code cwd} is another name for {@code working_dir}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ExecuteRequest(JsonNode command, Boolean stream, Long timeout, Map<String, String> env,
        String workingDir, String cwd, String orgId) {
}
