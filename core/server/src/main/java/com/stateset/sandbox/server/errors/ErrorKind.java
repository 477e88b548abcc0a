package com.stateset.sandbox.server.errors;

/**
 * What kind of failure a {@link DomainException} is, in the domain's terms: whether the caller
 * must change the request, may retry, or has met a limit. The HTTP layer alone turns a kind into
 * a status (http.ErrorMapper); clients that share the error codes share these kinds.
 */
public enum ErrorKind {
    /** The request is malformed, or names a value that cannot be; the details name the field. */
    INVALID,
    /** No credential, or one that is not valid. */
    UNAUTHENTICATED,
    /** The plan's allowance is used up: a bigger plan or the next period helps, a retry does not. */
    QUOTA_EXCEEDED,
    /** The credential may not do this. */
    FORBIDDEN,
    /** What the request names does not exist, for this organization. */
    NOT_FOUND,
    /** The operation took longer than it may. */
    TIMED_OUT,
    /** The state of things does not allow it; the same request will fail until something changes. */
    CONFLICT,
    /** The request, or what it would store, is larger than allowed. */
    TOO_LARGE,
    /** Stored data the request relies on is damaged. */
    UNPROCESSABLE,
    /** Too many at once (requests, sandboxes, streams); a later retry may succeed. */
    RATE_LIMITED,
    /** A fault of the server itself. */
    INTERNAL,
    /** A dependency (the runtime, the object store) failed without a reason the caller can act on. */
    UPSTREAM_FAILED,
    /** A dependency is unavailable; a retry may succeed. */
    UNAVAILABLE
}
