/** Every error this SDK throws (except the caller's own abort, which rejects with the signal's reason). */
export class SandboxError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The server's answer was an error: `{"error": {"code", "message", "request_id", "details"}}`. */
export class SandboxApiError extends SandboxError {
  /** The HTTP status. */
  readonly status: number;
  /** The stable error code (`VALIDATION_ERROR`, `SANDBOX_NOT_FOUND`, ...): branch on it, never on the message. */
  readonly code: string;
  /** The request's `X-Request-Id`, to quote to an operator. */
  readonly requestId: string | undefined;
  /** Facts of the error: `field` names the offending input; `allowed`, `limit` and others depend on the code. */
  readonly details: Record<string, unknown>;
  /** From `Retry-After`, in milliseconds, when the server sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(status: number, code: string, message: string, requestId: string | undefined,
      details: Record<string, unknown>, retryAfterMs: number | undefined) {
    super(`${code}: ${message}${requestId ? ` (request ${requestId})` : ''}`);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.details = details;
    this.retryAfterMs = retryAfterMs;
  }

  /** The input field the server named, if any (`cpus`, `files[2].path`, `env.MY_VAR`). */
  get field(): string | undefined {
    return typeof this.details.field === 'string' ? this.details.field : undefined;
  }
}

/** 400: bad input; `field` names it. */
export class ValidationError extends SandboxApiError {}
/** 401: a missing, invalid, expired or revoked credential. */
export class AuthenticationError extends SandboxApiError {}
/** 403: a scope the credential lacks, or a file the sandbox user may not touch. */
export class PermissionDeniedError extends SandboxApiError {}
/** 404: no such sandbox, file, checkpoint, ... (or not the caller's). */
export class NotFoundError extends SandboxApiError {}
/** 409: a state the caller must change first (a sandbox not running, a name taken, ...). */
export class ConflictError extends SandboxApiError {}
/** 402, or 429 `QUOTA_EXCEEDED`: the plan's limit is reached. */
export class QuotaExceededError extends SandboxApiError {}
/** 413: a body or file over a limit. */
export class PayloadTooLargeError extends SandboxApiError {}
/** 429 `RATE_LIMITED`: retried by the client while retries remain. */
export class RateLimitError extends SandboxApiError {}
/** 5xx: a failure a retry may cure; retried by the client where that is safe. */
export class ServerError extends SandboxApiError {}

/** The server could not be reached, or the connection broke before an answer. */
export class SandboxConnectionError extends SandboxError {}

/** No answer within the request's timeout. */
export class SandboxTimeoutError extends SandboxError {}

/** The error class for an error answer. */
export function apiError(status: number, code: string, message: string, requestId: string | undefined,
    details: Record<string, unknown>, retryAfterMs: number | undefined): SandboxApiError {
  const type = code === 'QUOTA_EXCEEDED' || status === 402 ? QuotaExceededError
    : status === 400 ? ValidationError
    : status === 401 ? AuthenticationError
    : status === 403 ? PermissionDeniedError
    : status === 404 ? NotFoundError
    : status === 409 ? ConflictError
    : status === 413 ? PayloadTooLargeError
    : status === 429 ? RateLimitError
    : status >= 500 ? ServerError
    : SandboxApiError;
  return new type(status, code, message, requestId, details, retryAfterMs);
}
