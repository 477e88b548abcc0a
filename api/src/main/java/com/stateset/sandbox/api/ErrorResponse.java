package com.stateset.sandbox.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** {@code {"error": {"code", "message", "request_id", "details"}}}. */
public record ErrorResponse(@JsonProperty("error") Error error) {

    public static ErrorResponse of(String code, String message, String requestId, Map<String, Object> details) {
        return new ErrorResponse(new Error(code, message, requestId, details.isEmpty() ? null : details));
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Error(
            @JsonProperty("code") String code,
            @JsonProperty("message") String message,
            @JsonProperty("request_id") String requestId,
            @JsonProperty("details") Map<String, Object> details) {
    }
}
