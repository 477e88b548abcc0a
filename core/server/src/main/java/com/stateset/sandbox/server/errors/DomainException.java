package com.stateset.sandbox.server.errors;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.ErrorCodes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A failure the services report to their caller: its {@link ErrorKind}, a stable code, a message
 * for the caller and details (the offending {@code field}, a {@code limit}, ...). Messages never
 * carry secrets or stack traces. How it is answered (an HTTP status, headers) is the HTTP layer's
 * choice, from the kind.
 */
public class DomainException extends RuntimeException {

    private final ErrorKind kind;
    private final String code;
    private final Map<String, Object> details;

    public DomainException(ErrorKind kind, String code, String message) {
        this(kind, code, message, Map.of());
    }

    public DomainException(ErrorKind kind, String code, String message, Map<String, Object> details) {
        super(message);
        this.kind = requireNonNull(kind, "kind is null");
        this.code = requireNonNull(code, "code is null");
        this.details = Map.copyOf(details);
    }

    public ErrorKind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    /** Bad input, naming the offending field of the request ({@code cpus}, {@code files[2].path}). */
    public static DomainException validation(String field, String message) {
        return new DomainException(ErrorKind.INVALID, ErrorCodes.VALIDATION_ERROR,
                field + ": " + message, Map.of("field", field));
    }

    /** Bad input, naming the field and listing what it may be. */
    public static DomainException validation(String field, String message, Iterable<String> allowed) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("field", field);
        details.put("allowed", allowed);
        return new DomainException(ErrorKind.INVALID, ErrorCodes.VALIDATION_ERROR, field + ": " + message, details);
    }

    public static DomainException unauthorized(String message) {
        return new DomainException(ErrorKind.UNAUTHENTICATED, ErrorCodes.UNAUTHORIZED, message);
    }

    public static DomainException forbidden(String message) {
        return new DomainException(ErrorKind.FORBIDDEN, ErrorCodes.FORBIDDEN, message);
    }

    public static DomainException notFound(String code, String message) {
        return new DomainException(ErrorKind.NOT_FOUND, code, message);
    }

    /** A state of things the caller must change first, about one field of the request. */
    public static DomainException conflict(String field, String message) {
        return new DomainException(ErrorKind.CONFLICT, ErrorCodes.CONFLICT, message, Map.of("field", field));
    }

    public static DomainException conflict(String message) {
        return new DomainException(ErrorKind.CONFLICT, ErrorCodes.CONFLICT, message);
    }

    public static DomainException tooLarge(String field, String message) {
        return new DomainException(ErrorKind.TOO_LARGE, ErrorCodes.PAYLOAD_TOO_LARGE,
                field + ": " + message, Map.of("field", field));
    }

    /** Too many requests; {@code retry_after} in the details says when to try again. */
    public static DomainException rateLimited(long retryAfterSeconds) {
        return new DomainException(ErrorKind.RATE_LIMITED, ErrorCodes.RATE_LIMITED,
                "rate limit exceeded; retry after " + retryAfterSeconds
                + " s", Map.of("retry_after", retryAfterSeconds));
    }

    public static DomainException runtimeUnavailable(String message) {
        return new DomainException(ErrorKind.UNAVAILABLE, ErrorCodes.RUNTIME_UNAVAILABLE, message);
    }
}
