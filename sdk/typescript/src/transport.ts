import { SandboxApiError, SandboxConnectionError, SandboxError, SandboxTimeoutError, apiError } from './errors.js';

/** How a client reaches the server. */
export interface ClientOptions {
  /** The server, e.g. `http://127.0.0.1:8080`; `/api/v1` is added unless the URL already ends with it. */
  baseUrl: string;
  /** An API key (`sk-sandbox-...`, sent as `Authorization: ApiKey ...`) or a JWT (sent as `Bearer`). */
  authToken?: string;
  /** Another name for `authToken`. */
  apiKey?: string;
  /** Milliseconds to wait for each attempt's answer (for a stream: for its headers). Default 60,000. */
  timeoutMs?: number;
  /**
   * Retries of a request that failed in a way a retry may cure (no connection, a 5xx, 429
   * `RATE_LIMITED`, 409 `IDEMPOTENCY_KEY_IN_USE`), only where repeating it is safe: GETs, and POSTs
   * that carry an `Idempotency-Key`. Default 3.
   */
  maxRetries?: number;
  /**
   * Give every POST an `Idempotency-Key` of its own (unless the call names one), so that its
   * retries are safe: the server answers a repeat with the first answer and does nothing again.
   * Default true.
   */
  idempotencyKeys?: boolean;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** The `fetch` to use; default the global one. */
  fetch?: typeof fetch;
}

/** What one call may add. */
export interface RequestOptions {
  /** Aborts the call; it then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
  /** The call's `Idempotency-Key` (POSTs), instead of a generated one. */
  idempotencyKey?: string;
  /** Extra headers. */
  headers?: Record<string, string>;
}

type Query = Record<string, string | number | boolean | undefined | null>;

interface Call extends RequestOptions {
  query?: Query;
  /** JSON (an object), or bytes (a string, bytes or a Blob). */
  body?: unknown;
}

const RETRY_BASE_MS = 250;
const RETRY_CAP_MS = 8_000;
/** A server asking to wait longer than this is not retried: the error goes to the caller. */
const RETRY_AFTER_CAP_MS = 30_000;

/** HTTP to the server: credentials, timeouts, errors as exceptions, retries where safe. */
export class Transport {
  readonly apiUrl: string;
  private readonly authorization: string | undefined;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly idempotencyKeys: boolean;
  private readonly headers: Record<string, string>;
  private readonly fetch: typeof fetch;

  constructor(options: ClientOptions) {
    if (!options || typeof options.baseUrl !== 'string' || options.baseUrl === '') {
      throw new SandboxError('baseUrl is required, e.g. http://127.0.0.1:8080');
    }
    const base = options.baseUrl.replace(/\/+$/, '');
    this.apiUrl = base.endsWith('/api/v1') ? base : `${base}/api/v1`;
    const token = options.authToken ?? options.apiKey;
    this.authorization = token ? (token.startsWith('sk-') ? `ApiKey ${token}` : `Bearer ${token}`) : undefined;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxRetries = Math.max(0, options.maxRetries ?? 3);
    this.idempotencyKeys = options.idempotencyKeys ?? true;
    this.headers = { ...options.headers };
    const fetchFunction = options.fetch ?? globalThis.fetch;
    if (typeof fetchFunction !== 'function') {
      throw new SandboxError('no fetch: use Node.js 18 or newer, or pass options.fetch');
    }
    this.fetch = fetchFunction.bind(globalThis);
  }

  /** The client's timeout, or `ms` if that is longer: for calls that wait on purpose. */
  atLeast(ms: number): number {
    return Math.max(this.timeoutMs, ms);
  }

  /** A call whose answer is JSON (or nothing, for 204). */
  async json<T>(method: string, path: string, call: Call = {}): Promise<T> {
    const response = await this.send(method, path, call, false);
    return this.readJson<T>(response);
  }

  /** A call whose answer is read by the caller (a stream or bytes); its timeout ends with the headers. */
  async raw(method: string, path: string, call: Call = {}): Promise<Response> {
    return this.send(method, path, call, true);
  }

  private async send(method: string, path: string, call: Call, streamed: boolean): Promise<Response> {
    const url = this.url(path, call.query);
    const headers: Record<string, string> = { Accept: 'application/json', ...this.headers, ...call.headers };
    if (this.authorization) {
      headers.Authorization = this.authorization;
    }
    let body: BodyInit | undefined;
    if (call.body !== undefined) {
      const bytes = isBytes(call.body) || isBlob(call.body) || typeof call.body === 'string';
      body = bytes ? call.body as BodyInit : JSON.stringify(call.body);
      headers['Content-Type'] = bytes ? 'application/octet-stream' : 'application/json';
    }
    if (method === 'POST') {
      const key = call.idempotencyKey ?? (this.idempotencyKeys ? newIdempotencyKey() : undefined);
      if (key !== undefined) {
        headers['Idempotency-Key'] = key;
      }
    }
    const retrySafe = method === 'GET' || headers['Idempotency-Key'] !== undefined;
    for (let attempt = 0; ; attempt++) {
      const timeout = new Deadline(call.timeoutMs ?? this.timeoutMs, call.signal);
      let response: Response;
      try {
        response = await this.fetch(url, { method, headers, body, signal: timeout.signal });
      } catch (error) {
        timeout.clear();
        const failure = timeout.failure(error, `${method} ${path}`);
        if (failure instanceof SandboxConnectionError && retrySafe && attempt < this.maxRetries) {
          await sleep(backoff(attempt), call.signal);
          continue;
        }
        throw failure;
      }
      if (response.ok) {
        if (streamed) {
          timeout.stopTimer(); // the caller's signal still aborts the body
        } else {
          timeoutOf.set(response, timeout);
        }
        return response;
      }
      const error = await this.readError(response, timeout, `${method} ${path}`);
      const retryable = error.status >= 500 && error.status !== 501
        || (error.status === 429 && error.code === 'RATE_LIMITED')
        || (error.status === 409 && error.code === 'IDEMPOTENCY_KEY_IN_USE');
      const delay = error.retryAfterMs ?? backoff(attempt);
      if (retryable && retrySafe && attempt < this.maxRetries && delay <= RETRY_AFTER_CAP_MS) {
        await sleep(delay, call.signal);
        continue;
      }
      throw error;
    }
  }

  private async readJson<T>(response: Response): Promise<T> {
    const timeout = timeoutOf.get(response);
    try {
      const text = await response.text();
      return (text === '' ? undefined : JSON.parse(text)) as T;
    } catch (error) {
      throw timeout ? timeout.failure(error, 'reading the answer') : error;
    } finally {
      timeout?.clear();
    }
  }

  private async readError(response: Response, timeout: Deadline, what: string): Promise<SandboxApiError> {
    let text = '';
    try {
      text = await response.text();
    } catch {
      // the status says enough
    } finally {
      timeout.clear();
    }
    const requestId = response.headers.get('X-Request-Id') ?? undefined;
    const retryAfter = retryAfterMs(response.headers.get('Retry-After'));
    try {
      const error = JSON.parse(text)?.error;
      if (error && typeof error.code === 'string') {
        return apiError(response.status, error.code, String(error.message ?? ''), error.request_id ?? requestId,
            error.details && typeof error.details === 'object' ? error.details : {}, retryAfter);
      }
    } catch {
      // not the error shape: a proxy's page, say
    }
    const excerpt = text.trim().slice(0, 200);
    return apiError(response.status, `HTTP_${response.status}`,
        `${what} answered ${response.status} ${response.statusText}${excerpt ? `: ${excerpt}` : ''}`,
        requestId, {}, retryAfter);
  }

  private url(path: string, query: Query | undefined): string {
    const url = new URL(this.apiUrl + path);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) {
        url.searchParams.set(name, String(value));
      }
    }
    return url.toString();
  }
}

/** Each JSON answer's deadline, kept until its body is read. */
const timeoutOf = new WeakMap<Response, Deadline>();

/** One attempt's timeout, joined with the caller's signal. */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly onAbort: () => void;
  private timedOut = false;

  constructor(private readonly ms: number, private readonly caller: AbortSignal | undefined) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, ms);
    this.onAbort = () => this.controller.abort();
    if (caller?.aborted) {
      this.controller.abort();
    }
    caller?.addEventListener('abort', this.onAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  stopTimer(): void {
    clearTimeout(this.timer);
  }

  clear(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.onAbort);
  }

  /** What a failed fetch or read means: the caller's abort, our timeout, or a broken connection. */
  failure(error: unknown, what: string): unknown {
    if (this.caller?.aborted) {
      return this.caller.reason ?? error;
    }
    if (this.timedOut) {
      return new SandboxTimeoutError(`${what}: no answer within ${this.ms} ms`, { cause: error });
    }
    if (error instanceof SandboxError) {
      return error;
    }
    return new SandboxConnectionError(`${what}: ${describe(error)}`, { cause: error });
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const message = error instanceof Error ? error.message : String(error);
  return cause?.code ? `${message} (${cause.code})` : cause?.message ? `${message} (${cause.message})` : message;
}

function backoff(attempt: number): number {
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attempt);
  return ceiling / 2 + Math.random() * ceiling / 2;
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) {
    return undefined;
  }
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) {
    return seconds * 1000;
  }
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A random key: 122 bits from the platform's generator where there is one. */
export function newIdempotencyKey(): string {
  const crypto = (globalThis as { crypto?: Crypto }).crypto;
  if (typeof crypto?.randomUUID === 'function') {
    return crypto.randomUUID();
  }
  const bytes = new Uint8Array(16);
  if (typeof crypto?.getRandomValues === 'function') {
    crypto.getRandomValues(bytes);
  } else {
    for (let i = 0; i < bytes.length; i++) {
      bytes[i] = Math.floor(Math.random() * 256);
    }
  }
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function isBytes(value: unknown): value is Uint8Array | ArrayBuffer {
  return value instanceof Uint8Array || value instanceof ArrayBuffer;
}

function isBlob(value: unknown): value is Blob {
  return typeof Blob !== 'undefined' && value instanceof Blob;
}
