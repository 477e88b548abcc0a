package com.stateset.sandbox.server.errors;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error the API answers with: HTTP status, a stable code and a message for the caller. Messages
 * never carry secrets or stack traces.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final Map<String, Object> details;
    private final Map<String, String> headers;

    public ApiException(int status, String code, String message) {
        this(status, code, message, Map.of(), Map.of());
    }

    public ApiException(int status, String code, String message, Map<String, Object> details, Map<String, String> headers) {
        super(message);
        this.status = status;
        this.code = code;
        this.details = Map.copyOf(details);
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** 400 naming the offending field of the request ({@code cpus}, {@code files[2].path}). */
    public static ApiException validation(String field, String message) {
        return new ApiException(400, "VALIDATION_ERROR", field + ": " + message, Map.of("field", field), Map.of());
    }

    /** 400 naming the field and listing what it may be. */
    public static ApiException validation(String field, String message, Iterable<String> allowed) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("field", field);
        details.put("allowed", allowed);
        return new ApiException(400, "VALIDATION_ERROR", field + ": " + message, details, Map.of());
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "UNAUTHORIZED", message, Map.of(), Map.of("WWW-Authenticate", "ApiKey"));
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "FORBIDDEN", message);
    }

    public static ApiException notFound(String code, String message) {
        return new ApiException(404, code, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, "CONFLICT", message);
    }

    public static ApiException tooLarge(String field, String message) {
        return new ApiException(413, "PAYLOAD_TOO_LARGE", field + ": " + message, Map.of("field", field), Map.of());
    }

    public static ApiException rateLimited(long retryAfterSeconds) {
        return new ApiException(429, "RATE_LIMITED", "rate limit exceeded; retry after " + retryAfterSeconds + " s",
                Map.of("retry_after", retryAfterSeconds), Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    public static ApiException runtimeUnavailable(String message) {
        return new ApiException(503, "RUNTIME_UNAVAILABLE", message);
    }
}
