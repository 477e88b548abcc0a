/**
 * The API's requests and answers, named. All are derived from `generated/openapi.ts`, which is
 * generated from the server's `docs/openapi.yaml` (a check keeps the two in step), so they are
 * exactly what the server sends and accepts.
 */
import type { components, paths } from './generated/openapi.js';

type Schemas = components['schemas'];
type Operation<P extends keyof paths, M extends keyof paths[P]> = NonNullable<paths[P][M]>;

/** The JSON body an operation takes. */
export type RequestBody<P extends keyof paths, M extends keyof paths[P]> =
  Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

/** The JSON an operation answers with on success (200 or 201). */
export type ResponseBody<P extends keyof paths, M extends keyof paths[P]> =
  Operation<P, M> extends { responses: { 200: { content: { 'application/json': infer R } } } } ? R
    : Operation<P, M> extends { responses: { 201: { content: { 'application/json': infer R } } } } ? R
      : never;

/** An operation's query parameters. */
export type QueryParameters<P extends keyof paths, M extends keyof paths[P]> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type Sandbox = Schemas['Sandbox'];
export type SandboxStatus = Schemas['Status'];
export type Isolation = Schemas['Isolation'];
export type CreateSandboxRequest = Schemas['CreateSandboxRequest'];
export type Template = Schemas['Template'];
export type FileEntry = Schemas['FileEntry'];
export type Checkpoint = Schemas['Checkpoint'];
export type Artifact = Schemas['Artifact'];
export type Webhook = Schemas['Webhook'];
export type ApiKey = Schemas['ApiKey'];
export type AuditEvent = Schemas['AuditEvent'];
export type AuditSummary = Schemas['AuditSummary'];
export type Secret = Schemas['Secret'];
export type MetricsReading = Schemas['MetricsReading'];
export type BenchmarkRun = Schemas['BenchmarkRun'];
export type Process = Schemas['Process'];
export type ReplSession = Schemas['ReplSession'];
export type ReplResult = Schemas['ReplResult'];
/** An event, as webhooks receive it and the events stream sends it (camelCase keys, as published). */
export type SandboxEvent = Schemas['Event'];
export type EventType = Schemas['EventType'];
export type ErrorBody = Schemas['Error'];

export type ExecuteRequest = Omit<RequestBody<'/sandbox/{id}/execute', 'post'>, 'stream'>;
export type ExecuteResult = ResponseBody<'/sandbox/{id}/execute', 'post'>;
export type SandboxStatusInfo = ResponseBody<'/sandbox/{id}/status', 'get'>;
export type FileToWrite = RequestBody<'/sandbox/{id}/files', 'post'>['files'][number];
export type WrittenFiles = ResponseBody<'/sandbox/{id}/files', 'post'>;
export type FileContent = ResponseBody<'/sandbox/{id}/files', 'get'>;
export type Registration = ResponseBody<'/register', 'post'>;
export type RegisterRequest = RequestBody<'/register', 'post'>;
export type WebhookDelivery = ResponseBody<'/webhooks/{id}/deliveries', 'get'>['deliveries'] extends (infer D)[] | undefined ? D : never;
export type WebhookTestResult = ResponseBody<'/webhooks/{id}/test', 'post'>;
export type CheckpointComparison = ResponseBody<'/checkpoints/compare', 'post'>;
export type ArtifactUrl = ResponseBody<'/artifacts/{id}/url', 'get'>;
export type Success = { success: true };

/** A command's streamed output, one event per chunk as the command writes it. */
export type ExecEvent =
  | { type: 'stdout' | 'stderr'; data: string }
  | { type: 'exit'; code: number; timed_out: boolean; truncated: boolean; output_truncated: boolean; duration_ms: number }
  | { type: 'error'; error: string; code?: string };

/** A background process's output log, from a byte offset. */
export type ProcessOutputEvent =
  | { type: 'stdout' | 'stderr'; offset: number; data: string }
  | { type: 'gap'; requested_offset: number; offset: number; lost_bytes: number }
  | { type: 'exit'; exit_code: number | null; signal: number | null }
  | { type: 'error'; code: string; error: string };

/** A change in a watched directory. */
export type FileChangeEvent =
  | { type: 'created' | 'modified' | 'deleted'; path: string; is_dir: boolean }
  | { type: 'overflow'; path: string }
  | { type: 'error'; code: string; error: string };
