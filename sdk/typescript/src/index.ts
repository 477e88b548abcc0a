export { StateSetSandbox, type FileInput, type ProcessOutputChunk } from './client.js';
export { StateSetSandboxExtended, type NumberedEvent } from './extended.js';
export { Terminal, type TerminalOptions, type WebSocketClass } from './terminal.js';
export type { ClientOptions, RequestOptions } from './transport.js';
export { readEvents, type ServerSentEvent } from './sse.js';
export {
  SandboxError, SandboxApiError, ValidationError, AuthenticationError, PermissionDeniedError, NotFoundError,
  ConflictError, QuotaExceededError, PayloadTooLargeError, RateLimitError, ServerError, SandboxConnectionError,
  SandboxTimeoutError,
} from './errors.js';
export type * from './types.js';
export type { paths, components } from './generated/openapi.js';
