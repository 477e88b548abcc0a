package com.stateset.sandbox.client;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The server answered with an error: {@code {"error": {"code", "message", "request_id", "details"}}}.
 * Branch on {@link #code()} (stable: see the api module's {@code ErrorCodes}), never on the message.
 * Subclasses name the usual statuses.
 */
public class SandboxApiException extends SandboxException {

    private final int status;
    private final String code;
    private final String requestId;
    private final Map<String, Object> details;
    private final Duration retryAfter;

    public SandboxApiException(int status, String code, String message, String requestId, Map<String, Object> details,
            Duration retryAfter) {
        super(code + ": " + message + (requestId == null ? "" : " (request " + requestId + ")"));
        this.status = status;
        this.code = code;
        this.requestId = requestId;
        this.details = details == null ? Map.of() : Map.copyOf(details);
        this.retryAfter = retryAfter;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The error code, such as {@code VALIDATION_ERROR} or {@code SANDBOX_NOT_FOUND}. */
    public String code() {
        return code;
    }

    /** The call's {@code X-Request-Id}, to quote to an operator; null when the answer had none. */
    public String requestId() {
        return requestId;
    }

    /** Facts of the error: {@code field}, {@code allowed}, {@code limit} and others, by code. */
    public Map<String, Object> details() {
        return details;
    }

    /** The input the server named ({@code cpus}, {@code files[2].path}), if any. */
    public Optional<String> field() {
        return details.get("field") instanceof String field ? Optional.of(field) : Optional.empty();
    }

    /** How long the server asked to wait before a retry ({@code Retry-After}), if it did. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The exception for an error answer. */
    static SandboxApiException of(int status, String code, String message, String requestId, Map<String, Object> details,
            Duration retryAfter) {
        if ("QUOTA_EXCEEDED".equals(code) || status == 402) {
            return new QuotaExceededException(status, code, message, requestId, details, retryAfter);
        }
        return switch (status) {
            case 400 -> new ValidationException(status, code, message, requestId, details, retryAfter);
            case 401 -> new AuthenticationException(status, code, message, requestId, details, retryAfter);
            case 403 -> new PermissionDeniedException(status, code, message, requestId, details, retryAfter);
            case 404 -> new NotFoundException(status, code, message, requestId, details, retryAfter);
            case 409 -> new ConflictException(status, code, message, requestId, details, retryAfter);
            case 413 -> new PayloadTooLargeException(status, code, message, requestId, details, retryAfter);
            case 429 -> new RateLimitException(status, code, message, requestId, details, retryAfter);
            default -> status >= 500
                    ? new ServerException(status, code, message, requestId, details, retryAfter)
                    : new SandboxApiException(status, code, message, requestId, details, retryAfter);
        };
    }

    /** 400: bad input; {@link #field()} names it. */
    public static class ValidationException extends SandboxApiException {
        ValidationException(int status, String code, String message, String requestId, Map<String, Object> details, Duration retryAfter) {
            super(status, code, message, requestId, details, retryAfter);
        }
    }

    /** 401: a missing, invalid, expired or revoked credential. */
    public static class AuthenticationException extends SandboxApiException {
        AuthenticationException(int status, String code, String message, String requestId, Map<String, Object> details, Duration retryAfter) {
            super(status, code, message, requestId, details, retryAfter);
        }
    }

    /** 403: a scope the credential lacks, or a file the sandbox user may not touch. */
    public static class PermissionDeniedException extends SandboxApiException {
        PermissionDeniedException(int status, String code, String message, String requestId, Map<String, Object> details, Duration retryAfter) {
            super(status, code, message, requestId, details, retryAfter);
        }
    }

    /** 404: no such sandbox, file, checkpoint, ... (or not the caller's). */
    public static class NotFoundException extends SandboxApiException {
        NotFoundException(int status, String code, String message, String requestId, Map<String, Object> details, Duration retryAfter) {
            super(status, code, message, requestId, details, retryAfter);
        }
    }

    /** 409: a state the caller must change first (a sandbox not running, a name taken, ...). */
    public static class ConflictException extends SandboxApiException {
        ConflictException(int status, String code, String message, String requestId, Map<String, Object> details, Duration retryAfter) {
            super(status, code, message, requestId, details, retryAfter);
        }
    }

    /** 402, or 429 {@code QUOTA_EXCEEDED}: the plan's limit is reached; never retried. */
    public static class QuotaExceededException extends SandboxApiException {
        QuotaExceededException(int status, String code, String message, String requestId, Map<String, Object> details, Duration retryAfter) {
            super(status, code, message, requestId, details, retryAfter);
        }
    }

    /** 413: a body or file over a limit. */
    public static class PayloadTooLargeException extends SandboxApiException {
        PayloadTooLargeException(int status, String code, String message, String requestId, Map<String, Object> details, Duration retryAfter) {
            super(status, code, message, requestId, details, retryAfter);
        }
    }

    /** 429 {@code RATE_LIMITED}: retried while retries remain. */
    public static class RateLimitException extends SandboxApiException {
        RateLimitException(int status, String code, String message, String requestId, Map<String, Object> details, Duration retryAfter) {
            super(status, code, message, requestId, details, retryAfter);
        }
    }

    /** 5xx: a failure a retry may cure; retried where that is safe. */
    public static class ServerException extends SandboxApiException {
        ServerException(int status, String code, String message, String requestId, Map<String, Object> details, Duration retryAfter) {
            super(status, code, message, requestId, details, retryAfter);
        }
    }
}
