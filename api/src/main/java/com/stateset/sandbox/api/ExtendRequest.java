package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** {@code POST /sandbox/{id}/extend}: seconds to add to the sandbox's lifetime. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ExtendRequest(Long additionalSeconds, String orgId) {
}
