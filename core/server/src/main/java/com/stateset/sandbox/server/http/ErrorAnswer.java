package com.stateset.sandbox.server.http;

import java.util.Map;

/** An error as the API answers it: status, stable code, message, details and any headers. */
public record ErrorAnswer(int status, String code, String message, Map<String, Object> details, Map<String, String> headers) {

    public ErrorAnswer {
        details = Map.copyOf(details);
        headers = Map.copyOf(headers);
    }

    static ErrorAnswer of(int status, String code, String message) {
        return new ErrorAnswer(status, code, message, Map.of(), Map.of());
    }
}
