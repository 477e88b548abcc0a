import { collect, fromBase64, toBase64, utf8 } from './encoding.js';
import { SandboxConnectionError, SandboxError } from './errors.js';
import { readEvents } from './sse.js';
import { Terminal, type TerminalOptions } from './terminal.js';
import { Transport, type ClientOptions, type RequestOptions } from './transport.js';
import type {
  CreateSandboxRequest, ExecEvent, ExecuteRequest, ExecuteResult, FileChangeEvent, FileContent, FileEntry,
  Process, ProcessOutputEvent, QueryParameters, Registration, RegisterRequest, ReplResult, ReplSession,
  RequestBody, ResponseBody, Sandbox, SandboxStatusInfo, Success, WrittenFiles,
} from './types.js';

/** A file to write: text (written as UTF-8) or bytes. */
export interface FileInput {
  path: string;
  content: string | Uint8Array;
}

/** A process's output, as {@link StateSetSandbox.processOutput} yields it. */
export type ProcessOutputChunk = Extract<ProcessOutputEvent, { type: 'stdout' | 'stderr' }> & {
  /** The chunk's bytes; `data` is them decoded as UTF-8 (a character split between chunks comes whole). */
  bytes: Uint8Array;
};

/**
 * The StateSet Sandbox client: sandboxes, commands, files, background processes, terminals and
 * interpreters. {@link StateSetSandboxExtended} adds checkpoints, artifacts, webhooks, templates and
 * the organization's own resources.
 *
 * Answers are the server's JSON, snake_case as on the wire. Errors are {@link SandboxApiError}s
 * (with `status`, `code`, `requestId`, `details`), {@link SandboxConnectionError}s and
 * {@link SandboxTimeoutError}s; GETs, and POSTs (each sent with an `Idempotency-Key`), are retried
 * where a retry may help.
 */
export class StateSetSandbox {
  protected readonly http: Transport;

  constructor(options: ClientOptions) {
    this.http = new Transport(options);
  }

  /** Creates an organization, its owner and a first API key, shown once (no credential needed). */
  register(request: RegisterRequest, options?: RequestOptions): Promise<Registration> {
    return this.http.json('POST', '/register', { ...options, body: request });
  }

  /** Creates a sandbox and answers once it accepts commands. */
  create(request: CreateSandboxRequest = {}, options?: RequestOptions): Promise<Sandbox> {
    return this.http.json('POST', '/sandbox/create', { ...options, body: request });
  }

  get(sandboxId: string, options?: RequestOptions): Promise<Sandbox> {
    return this.http.json('GET', `/sandbox/${seg(sandboxId)}`, options);
  }

  /** The organization's sandboxes, newest first. */
  list(query: QueryParameters<'/sandboxes', 'get'> = {}, options?: RequestOptions): Promise<ResponseBody<'/sandboxes', 'get'>> {
    return this.http.json('GET', '/sandboxes', { ...options, query });
  }

  /** Status and lifetime, from the server's database only. */
  status(sandboxId: string, options?: RequestOptions): Promise<SandboxStatusInfo> {
    return this.http.json('GET', `/sandbox/${seg(sandboxId)}/status`, options);
  }

  /** Stops the sandbox and frees it; it stays listed, terminated. */
  stop(sandboxId: string, options?: RequestOptions): Promise<Success> {
    return this.http.json('POST', `/sandbox/${seg(sandboxId)}/stop`, options);
  }

  /** Stops the sandbox if needed, then hides it (it answers 404 afterwards). */
  delete(sandboxId: string, options?: RequestOptions): Promise<Success> {
    return this.http.json('DELETE', `/sandbox/${seg(sandboxId)}`, options);
  }

  /** Moves `expires_at` later by `additionalSeconds`, as far as the sandbox's longest lifetime allows. */
  extend(sandboxId: string, additionalSeconds: number, options?: RequestOptions): Promise<Sandbox> {
    return this.http.json('POST', `/sandbox/${seg(sandboxId)}/extend`, { ...options, body: { additional_seconds: additionalSeconds } });
  }

  /** Copies a running sandbox into a new one (through a checkpoint, kept), in one call. */
  fork(sandboxId: string, request: RequestBody<'/sandbox/{id}/fork', 'post'> = {}, options?: RequestOptions):
      Promise<ResponseBody<'/sandbox/{id}/fork', 'post'>> {
    return this.http.json('POST', `/sandbox/${seg(sandboxId)}/fork`, { ...options, body: request });
  }

  /** Moves a running sandbox to another isolation (a fork that then stops the source). */
  promote(sandboxId: string, request: RequestBody<'/sandbox/{id}/promote', 'post'>, options?: RequestOptions):
      Promise<ResponseBody<'/sandbox/{id}/promote', 'post'>> {
    return this.http.json('POST', `/sandbox/${seg(sandboxId)}/promote`, { ...options, body: request });
  }

  /**
   * Runs a command (a string through `/bin/sh -c`, or an argv list) and answers when it ends.
   * Waits for the command's own `timeout` (milliseconds; the server's default is 60 s) and 30 s
   * more, when that is longer than the client's timeout.
   */
  execute(sandboxId: string, request: ExecuteRequest, options?: RequestOptions): Promise<ExecuteResult> {
    return this.http.json('POST', `/sandbox/${seg(sandboxId)}/execute`, {
      ...options,
      timeoutMs: options?.timeoutMs ?? this.http.atLeast((request.timeout ?? DEFAULT_COMMAND_TIMEOUT_MS) + ANSWER_MARGIN_MS),
      body: { ...request, stream: false },
    });
  }

  /** Runs a command and yields its output as it is written, then its `exit` (or an `error`). */
  async *executeStream(sandboxId: string, request: ExecuteRequest, options?: RequestOptions): AsyncGenerator<ExecEvent> {
    const response = await this.http.raw('POST', `/sandbox/${seg(sandboxId)}/execute`, {
      ...options,
      headers: { ...options?.headers, Accept: 'text/event-stream' },
      body: { ...request, stream: true },
    });
    for await (const event of readEvents(body(response))) {
      const parsed = JSON.parse(event.data) as ExecEvent | { type: 'done' };
      if (parsed.type === 'done') {
        return;
      }
      yield parsed;
      if (parsed.type === 'exit' || parsed.type === 'error') {
        return;
      }
    }
    throw new SandboxConnectionError('the command\'s output stream ended before its exit');
  }

  /** Writes files (text as UTF-8, or bytes) as the sandbox user, replacing what is there. */
  writeFiles(sandboxId: string, files: FileInput[], options?: RequestOptions): Promise<WrittenFiles> {
    const body = {
      files: files.map((file) => ({
        path: file.path,
        content: toBase64(typeof file.content === 'string' ? utf8(file.content) : file.content),
        encoding: 'base64',
      })),
    };
    return this.http.json('POST', `/sandbox/${seg(sandboxId)}/files`, { ...options, body });
  }

  /** A file's content, decoded as UTF-8. */
  async readFile(sandboxId: string, path: string, options?: RequestOptions): Promise<string> {
    return new TextDecoder().decode(await this.readFileBytes(sandboxId, path, options));
  }

  /** A file's bytes (through JSON; {@link downloadFile} streams large files). */
  async readFileBytes(sandboxId: string, path: string, options?: RequestOptions): Promise<Uint8Array> {
    const file = await this.http.json<FileContent>('GET', `/sandbox/${seg(sandboxId)}/files`, { ...options, query: { path } });
    return fromBase64(file.content ?? '');
  }

  /**
   * Writes bytes to a file, streamed (no JSON, no base64), up to the server's maxArtifactSize (1 GiB).
   * A large file on disk goes as a Blob, read as it is sent (Node.js: `await fs.openAsBlob(path)`);
   * the server needs the length first, so a stream of unknown length cannot be sent.
   */
  uploadFile(sandboxId: string, path: string, content: string | Uint8Array | Blob,
      options?: RequestOptions): Promise<ResponseBody<'/sandbox/{id}/files/raw', 'put'>> {
    return this.http.json('PUT', `/sandbox/${seg(sandboxId)}/files/raw`, {
      ...options,
      query: { path },
      body: typeof content === 'string' ? utf8(content) : content,
    });
  }

  /** A file's bytes as a stream. */
  async downloadFileStream(sandboxId: string, path: string, options?: RequestOptions): Promise<ReadableStream<Uint8Array>> {
    const response = await this.http.raw('GET', `/sandbox/${seg(sandboxId)}/files/raw`, {
      ...options, query: { path }, headers: { ...options?.headers, Accept: 'application/octet-stream' },
    });
    return body(response);
  }

  /** A file's bytes. */
  async downloadFile(sandboxId: string, path: string, options?: RequestOptions): Promise<Uint8Array> {
    return collect(await this.downloadFileStream(sandboxId, path, options));
  }

  /** A file or directory as a tar stream, its entries named from the path's last segment. */
  async downloadArchive(sandboxId: string, path: string, options?: RequestOptions): Promise<ReadableStream<Uint8Array>> {
    const response = await this.http.raw('GET', `/sandbox/${seg(sandboxId)}/files/archive`, {
      ...options, query: { path }, headers: { ...options?.headers, Accept: 'application/x-tar' },
    });
    return body(response);
  }

  /** A directory's entries (default /workspace); with `recursive`, everything below it. */
  listFiles(sandboxId: string, path?: string, query: { recursive?: boolean } = {}, options?: RequestOptions):
      Promise<ResponseBody<'/sandbox/{id}/files/list', 'get'>> {
    return this.http.json('GET', `/sandbox/${seg(sandboxId)}/files/list`, { ...options, query: { path, ...query } });
  }

  /** The files, directories and links whose path matches a glob (`**\/*.py`, `src/*.{js,ts}`). */
  glob(sandboxId: string, pattern: string, options?: RequestOptions): Promise<{ pattern: string; files: FileEntry[]; truncated: boolean }> {
    return this.http.json('POST', `/sandbox/${seg(sandboxId)}/files/glob`, { ...options, body: { pattern } });
  }

  /** Makes a directory (with its parents, unless `recursive` is false). */
  mkdir(sandboxId: string, path: string, request: { recursive?: boolean } = {}, options?: RequestOptions):
      Promise<{ success: true; path: string }> {
    return this.http.json('POST', `/sandbox/${seg(sandboxId)}/files/mkdir`, { ...options, body: { path, ...request } });
  }

  /** Moves a file, link or directory. */
  moveFile(sandboxId: string, source: string, destination: string, request: { overwrite?: boolean } = {},
      options?: RequestOptions): Promise<{ success: true; source: string; destination: string }> {
    return this.http.json('POST', `/sandbox/${seg(sandboxId)}/files/move`, { ...options, body: { source, destination, ...request } });
  }

  /** Copies a file, link or directory (directories whole). */
  copyFile(sandboxId: string, source: string, destination: string, request: { overwrite?: boolean } = {},
      options?: RequestOptions): Promise<{ success: true; source: string; destination: string }> {
    return this.http.json('POST', `/sandbox/${seg(sandboxId)}/files/copy`, { ...options, body: { source, destination, ...request } });
  }

  /** Deletes a file, link or directory (one that is not empty needs `recursive`). */
  deleteFile(sandboxId: string, path: string, request: { recursive?: boolean } = {}, options?: RequestOptions):
      Promise<{ success: true; path: string }> {
    return this.http.json('DELETE', `/sandbox/${seg(sandboxId)}/files`, { ...options, body: { path, ...request } });
  }

  /** Changes in a directory as they happen, until the signal aborts or the watch ends by itself. */
  async *watchFiles(sandboxId: string, query: { path?: string; recursive?: boolean } = {}, options?: RequestOptions):
      AsyncGenerator<FileChangeEvent> {
    const response = await this.http.raw('GET', `/sandbox/${seg(sandboxId)}/files/watch`, {
      ...options, query, headers: { ...options?.headers, Accept: 'text/event-stream' },
    });
    for await (const event of readEvents(body(response))) {
      const change = JSON.parse(event.data) as FileChangeEvent;
      yield change;
      if (change.type === 'error') {
        return;
      }
    }
  }

  /** Starts a background process, kept by the sandbox's agent; answers its id at once. */
  startProcess(sandboxId: string, request: RequestBody<'/sandbox/{id}/processes', 'post'>, options?: RequestOptions): Promise<Process> {
    return this.http.json('POST', `/sandbox/${seg(sandboxId)}/processes`, { ...options, body: request });
  }

  async listProcesses(sandboxId: string, options?: RequestOptions): Promise<Process[]> {
    const answer = await this.http.json<{ processes: Process[] }>('GET', `/sandbox/${seg(sandboxId)}/processes`, options);
    return answer.processes;
  }

  getProcess(sandboxId: string, processId: string, options?: RequestOptions): Promise<Process> {
    return this.http.json('GET', `/sandbox/${seg(sandboxId)}/processes/${seg(processId)}`, options);
  }

  /** Kills the process if it runs and forgets it with its output. */
  async removeProcess(sandboxId: string, processId: string, options?: RequestOptions): Promise<void> {
    await this.http.json('DELETE', `/sandbox/${seg(sandboxId)}/processes/${seg(processId)}`, options);
  }

  /** Writes to the process's standard input; with `eof`, then ends it. */
  async sendProcessInput(sandboxId: string, processId: string, data: string, request: { eof?: boolean } = {},
      options?: RequestOptions): Promise<void> {
    await this.http.json('POST', `/sandbox/${seg(sandboxId)}/processes/${seg(processId)}/input`, { ...options, body: { data, ...request } });
  }

  /** Signals the process's group: a name (`TERM`, `SIGINT`, ...) or a number. */
  async signalProcess(sandboxId: string, processId: string, signal: string | number, options?: RequestOptions): Promise<void> {
    await this.http.json('POST', `/sandbox/${seg(sandboxId)}/processes/${seg(processId)}/signal`, { ...options, body: { signal } });
  }

  /** Resizes the process's terminal. */
  async resizeProcess(sandboxId: string, processId: string, cols: number, rows: number, options?: RequestOptions): Promise<void> {
    await this.http.json('POST', `/sandbox/${seg(sandboxId)}/processes/${seg(processId)}/resize`, { ...options, body: { cols, rows } });
  }

  /** Waits up to `timeoutSeconds` (default 30, at most 300) for the process to exit, then describes it. */
  waitProcess(sandboxId: string, processId: string, timeoutSeconds = 30, options?: RequestOptions): Promise<Process> {
    return this.http.json('POST', `/sandbox/${seg(sandboxId)}/processes/${seg(processId)}/wait`, {
      ...options, query: { timeout: timeoutSeconds }, timeoutMs: options?.timeoutMs ?? this.http.atLeast(timeoutSeconds * 1000 + ANSWER_MARGIN_MS),
    });
  }

  /**
   * The process's output from byte `offset` (0: all that is kept), then live, then its `exit`.
   * A broken connection (the server restarted, the client fell behind) is resumed where it broke,
   * with no byte lost or repeated; a `gap` says bytes were dropped from the sandbox's buffer first.
   */
  async *processOutput(sandboxId: string, processId: string, query: { offset?: number } = {}, options?: RequestOptions):
      AsyncGenerator<ProcessOutputChunk | Exclude<ProcessOutputEvent, { type: 'stdout' | 'stderr' }>> {
    let resumeAt = query.offset ?? 0;
    const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
    for (let failures = 0; ;) {
      let response: Response;
      try {
        response = await this.http.raw('GET', `/sandbox/${seg(sandboxId)}/processes/${seg(processId)}/output`, {
          ...options,
          query: { offset: resumeAt, encoding: 'base64' },
          headers: { ...options?.headers, Accept: 'text/event-stream' },
        });
      } catch (error) {
        if (error instanceof SandboxConnectionError && failures++ < 5) {
          await pause(1000 * failures, options?.signal);
          continue;
        }
        throw error;
      }
      try {
        for await (const event of readEvents(body(response))) {
          failures = 0;
          const parsed = JSON.parse(event.data) as ProcessOutputEvent;
          if (parsed.type === 'stdout' || parsed.type === 'stderr') {
            const bytes = fromBase64(parsed.data);
            resumeAt = parsed.offset + bytes.length;
            yield { ...parsed, bytes, data: decoders[parsed.type].decode(bytes, { stream: true }) };
          } else if (parsed.type === 'gap') {
            resumeAt = parsed.offset;
            yield parsed;
          } else if (parsed.type === 'error' && parsed.code === 'CLIENT_GONE') {
            break; // fell behind: resume from resumeAt
          } else {
            yield parsed as Extract<ProcessOutputEvent, { type: 'exit' | 'error' }>;
            return;
          }
        }
      } catch (error) {
        if (options?.signal?.aborted) {
          throw options.signal.reason;
        }
        if (!(error instanceof TypeError) && !(error instanceof SandboxConnectionError)) {
          throw error;
        }
      }
      // The stream broke (or ended) before the exit: resume where it did.
      if (failures++ >= 5) {
        throw new SandboxConnectionError(`the process's output stream broke ${failures} times in a row at offset ${resumeAt}`);
      }
      await pause(500 * failures, options?.signal);
    }
  }

  /** A single-use ticket for a terminal's WebSocket (for a browser; {@link openTerminal} does both steps). */
  terminalTicket(sandboxId: string, request: RequestBody<'/sandbox/{id}/terminal', 'post'> = {}, options?: RequestOptions):
      Promise<ResponseBody<'/sandbox/{id}/terminal', 'post'>> {
    return this.http.json('POST', `/sandbox/${seg(sandboxId)}/terminal`, { ...options, body: request });
  }

  /**
   * Opens an interactive terminal: a ticket, then its WebSocket (the platform's `WebSocket`, or
   * `options.WebSocket`, e.g. the `ws` package's, where there is none).
   */
  async openTerminal(sandboxId: string, request: TerminalOptions = {}, options?: RequestOptions): Promise<Terminal> {
    const { WebSocket: socketClass, ...ticketRequest } = request;
    const ticket = await this.terminalTicket(sandboxId, ticketRequest, options);
    const url = new URL(ticket.url ?? '', this.http.apiUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return Terminal.connect(url.toString(), socketClass);
  }

  /** Starts a persistent interpreter (`python` or `node`). */
  createReplSession(sandboxId: string, language = 'python', options?: RequestOptions): Promise<ReplSession> {
    return this.http.json('POST', `/sandbox/${seg(sandboxId)}/repl/sessions`, { ...options, body: { language } });
  }

  async listReplSessions(sandboxId: string, options?: RequestOptions): Promise<ReplSession[]> {
    const answer = await this.http.json<{ sessions: ReplSession[] }>('GET', `/sandbox/${seg(sandboxId)}/repl/sessions`, options);
    return answer.sessions;
  }

  getReplSession(sandboxId: string, sessionId: string, options?: RequestOptions): Promise<ReplSession> {
    return this.http.json('GET', `/sandbox/${seg(sandboxId)}/repl/sessions/${seg(sessionId)}`, options);
  }

  /** Runs a cell; its variables stay for the next. `timeout_ms` defaults to 30,000. */
  runCell(sandboxId: string, sessionId: string, code: string, request: { timeout_ms?: number } = {},
      options?: RequestOptions): Promise<ReplResult> {
    return this.http.json('POST', `/sandbox/${seg(sandboxId)}/repl/sessions/${seg(sessionId)}/execute`, {
      ...options,
      timeoutMs: options?.timeoutMs ?? this.http.atLeast((request.timeout_ms ?? 30_000) + ANSWER_MARGIN_MS),
      body: { code, ...request },
    });
  }

  /** Interrupts the session's running cell. */
  interruptRepl(sandboxId: string, sessionId: string, options?: RequestOptions):
      Promise<ResponseBody<'/sandbox/{id}/repl/sessions/{session}/interrupt', 'post'>> {
    return this.http.json('POST', `/sandbox/${seg(sandboxId)}/repl/sessions/${seg(sessionId)}/interrupt`, options);
  }

  /** Stops the session's interpreter; the session stays listed, ended. */
  deleteReplSession(sandboxId: string, sessionId: string, options?: RequestOptions): Promise<Success> {
    return this.http.json('DELETE', `/sandbox/${seg(sandboxId)}/repl/sessions/${seg(sessionId)}`, options);
  }

  /** Adds the organization's secrets (these names, or all it may use) to the sandbox's later commands. */
  injectSecrets(sandboxId: string, request: RequestBody<'/sandbox/{id}/secrets/inject', 'post'> = {}, options?: RequestOptions):
      Promise<ResponseBody<'/sandbox/{id}/secrets/inject', 'post'>> {
    return this.http.json('POST', `/sandbox/${seg(sandboxId)}/secrets/inject`, { ...options, body: request });
  }

  /** Resource use now, read from the runtime. */
  metrics(sandboxId: string, options?: RequestOptions): Promise<ResponseBody<'/sandbox/{id}/metrics', 'get'>> {
    return this.http.json('GET', `/sandbox/${seg(sandboxId)}/metrics`, options);
  }

  /** The stored readings, oldest first. */
  metricsHistory(sandboxId: string, query: QueryParameters<'/sandbox/{id}/metrics/history', 'get'> = {}, options?: RequestOptions):
      Promise<ResponseBody<'/sandbox/{id}/metrics/history', 'get'>> {
    return this.http.json('GET', `/sandbox/${seg(sandboxId)}/metrics/history`, { ...options, query });
  }

  metricsSummary(sandboxId: string, options?: RequestOptions): Promise<ResponseBody<'/sandbox/{id}/metrics/summary', 'get'>> {
    return this.http.json('GET', `/sandbox/${seg(sandboxId)}/metrics/summary`, options);
  }

  /** Totals of the sandbox's audit events. */
  auditSummary(sandboxId: string, options?: RequestOptions): Promise<ResponseBody<'/sandbox/{id}/audit/summary', 'get'>> {
    return this.http.json('GET', `/sandbox/${seg(sandboxId)}/audit/summary`, options);
  }

  /** The server's API description (OpenAPI 3.1), as JSON. */
  openApi(options?: RequestOptions): Promise<Record<string, unknown>> {
    return this.http.json('GET', '/openapi.json', options);
  }

  /** The server's API description as its YAML text. */
  async openApiYaml(options?: RequestOptions): Promise<string> {
    const response = await this.http.raw('GET', '/openapi.yaml', { ...options, headers: { ...options?.headers, Accept: 'application/yaml' } });
    return response.text();
  }

  /** The server's health; throws {@link SandboxApiError} (503) when a part is unhealthy. */
  health(options?: RequestOptions): Promise<ResponseBody<'/health', 'get'>> {
    return this.http.json('GET', '/health', options);
  }
}

/** A path segment, encoded. */
export function seg(value: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new SandboxError(`an id must be a non-empty string, not ${JSON.stringify(value)}`);
  }
  return encodeURIComponent(value);
}

export function body(response: Response): ReadableStream<Uint8Array> {
  if (!response.body) {
    throw new SandboxConnectionError('the answer has no body');
  }
  return response.body;
}

/** The server's default command timeout (limits.defaultExecTimeoutMs). */
const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;
/** How much longer than a command's own timeout the client waits for its answer. */
const ANSWER_MARGIN_MS = 30_000;

export function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

