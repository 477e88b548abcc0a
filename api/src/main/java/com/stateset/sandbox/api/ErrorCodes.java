package com.stateset.sandbox.api;

import java.util.List;

/**
 * Every {@code error.code} the API answers with, stable across versions: clients branch on these,
 * never on messages. The status that comes with each is in openapi.yaml.
 */
public final class ErrorCodes {

    /** The request is malformed or names a value that cannot be; {@code details.field} names it. */
    public static final String VALIDATION_ERROR = "VALIDATION_ERROR";
    public static final String UNAUTHORIZED = "UNAUTHORIZED";
    public static final String FORBIDDEN = "FORBIDDEN";
    /** No such endpoint. */
    public static final String NOT_FOUND = "NOT_FOUND";
    public static final String SANDBOX_NOT_FOUND = "SANDBOX_NOT_FOUND";
    public static final String FILE_NOT_FOUND = "FILE_NOT_FOUND";
    public static final String API_KEY_NOT_FOUND = "API_KEY_NOT_FOUND";
    public static final String CHECKPOINT_NOT_FOUND = "CHECKPOINT_NOT_FOUND";
    public static final String ARTIFACT_NOT_FOUND = "ARTIFACT_NOT_FOUND";
    /** A checkpoint's or artifact's object is missing from the object store. */
    public static final String OBJECT_NOT_FOUND = "OBJECT_NOT_FOUND";
    public static final String TEMPLATE_NOT_FOUND = "TEMPLATE_NOT_FOUND";
    public static final String SECRET_NOT_FOUND = "SECRET_NOT_FOUND";
    public static final String WEBHOOK_NOT_FOUND = "WEBHOOK_NOT_FOUND";
    public static final String REPL_SESSION_NOT_FOUND = "REPL_SESSION_NOT_FOUND";
    public static final String PROCESS_NOT_FOUND = "PROCESS_NOT_FOUND";
    public static final String METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED";
    public static final String NOT_ACCEPTABLE = "NOT_ACCEPTABLE";
    public static final String UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE";
    /** A WebSocket endpoint asked without the upgrade to WebSocket. */
    public static final String UPGRADE_REQUIRED = "UPGRADE_REQUIRED";
    /** The state of things does not allow the request (a sandbox not running, a path taken, ...). */
    public static final String CONFLICT = "CONFLICT";
    public static final String TIMEOUT = "TIMEOUT";
    public static final String PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE";
    /** A plan's allowance or the storage quota is used up; {@code details.quota} names which. */
    public static final String QUOTA_EXCEEDED = "QUOTA_EXCEEDED";
    /** Too many requests or streams; {@code details.retry_after} says when to try again. */
    public static final String RATE_LIMITED = "RATE_LIMITED";
    public static final String INSUFFICIENT_STORAGE = "INSUFFICIENT_STORAGE";
    public static final String RUNTIME_UNAVAILABLE = "RUNTIME_UNAVAILABLE";
    public static final String RUNTIME_MISCONFIGURED = "RUNTIME_MISCONFIGURED";
    public static final String RUNTIME_ERROR = "RUNTIME_ERROR";
    /** The sandbox is killing what an earlier command left behind; nothing ran; retry after Retry-After. */
    public static final String SANDBOX_RECOVERING = "SANDBOX_RECOVERING";
    public static final String STORAGE_UNAVAILABLE = "STORAGE_UNAVAILABLE";
    public static final String STORAGE_MISCONFIGURED = "STORAGE_MISCONFIGURED";
    public static final String STORAGE_ERROR = "STORAGE_ERROR";
    public static final String SECRETS_DISABLED = "SECRETS_DISABLED";
    public static final String SECRET_UNREADABLE = "SECRET_UNREADABLE";
    public static final String WEBHOOK_CREDENTIALS_UNREADABLE = "WEBHOOK_CREDENTIALS_UNREADABLE";
    public static final String METRICS_NOT_AVAILABLE = "METRICS_NOT_AVAILABLE";
    public static final String BENCHMARK_FAILED = "BENCHMARK_FAILED";
    public static final String BENCHMARK_RUNNING = "BENCHMARK_RUNNING";
    /** A hosted-service feature (billing) this self-hosted server does not offer. */
    public static final String NOT_AVAILABLE = "NOT_AVAILABLE";
    public static final String IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED";
    public static final String IDEMPOTENCY_KEY_IN_USE = "IDEMPOTENCY_KEY_IN_USE";
    public static final String IDEMPOTENCY_KEY_UNREADABLE = "IDEMPOTENCY_KEY_UNREADABLE";
    public static final String REPL_SESSION_ENDED = "REPL_SESSION_ENDED";
    public static final String REPL_UNAVAILABLE = "REPL_UNAVAILABLE";
    /** In a command's event stream: the client went away and the command was killed. */
    public static final String CLIENT_GONE = "CLIENT_GONE";
    /** Refused by the HTTP server itself, before the API saw the request. */
    public static final String URI_TOO_LONG = "URI_TOO_LONG";
    public static final String HEADERS_TOO_LARGE = "HEADERS_TOO_LARGE";
    public static final String HTTP_VERSION_NOT_SUPPORTED = "HTTP_VERSION_NOT_SUPPORTED";
    public static final String BAD_REQUEST = "BAD_REQUEST";
    /** The server is stopping: another one, or this one once restarted, will answer. */
    public static final String SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE";
    /** A fault of the server; the message quotes the request id to report. */
    public static final String INTERNAL_ERROR = "INTERNAL_ERROR";

    public static final List<String> ALL = List.of(VALIDATION_ERROR, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, SANDBOX_NOT_FOUND,
            FILE_NOT_FOUND, API_KEY_NOT_FOUND, CHECKPOINT_NOT_FOUND, ARTIFACT_NOT_FOUND, OBJECT_NOT_FOUND, TEMPLATE_NOT_FOUND,
            SECRET_NOT_FOUND, WEBHOOK_NOT_FOUND, REPL_SESSION_NOT_FOUND, PROCESS_NOT_FOUND, METHOD_NOT_ALLOWED, NOT_ACCEPTABLE,
            UNSUPPORTED_MEDIA_TYPE, UPGRADE_REQUIRED, CONFLICT, TIMEOUT, PAYLOAD_TOO_LARGE, QUOTA_EXCEEDED, RATE_LIMITED, INSUFFICIENT_STORAGE,
            RUNTIME_UNAVAILABLE, RUNTIME_MISCONFIGURED, RUNTIME_ERROR, SANDBOX_RECOVERING, STORAGE_UNAVAILABLE, STORAGE_MISCONFIGURED, STORAGE_ERROR,
            SECRETS_DISABLED, SECRET_UNREADABLE, WEBHOOK_CREDENTIALS_UNREADABLE, METRICS_NOT_AVAILABLE, BENCHMARK_FAILED,
            BENCHMARK_RUNNING, NOT_AVAILABLE, IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_KEY_IN_USE, IDEMPOTENCY_KEY_UNREADABLE,
            REPL_SESSION_ENDED, REPL_UNAVAILABLE, CLIENT_GONE, URI_TOO_LONG, HEADERS_TOO_LARGE, HTTP_VERSION_NOT_SUPPORTED,
            BAD_REQUEST, SERVICE_UNAVAILABLE, INTERNAL_ERROR);

    private ErrorCodes() {
    }
}
