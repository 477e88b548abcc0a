import { StateSetSandbox, body, pause, seg } from './client.js';
import { SandboxApiError, SandboxConnectionError } from './errors.js';
import { readEvents } from './sse.js';
import type { RequestOptions } from './transport.js';
import type {
  ApiKey, Artifact, ArtifactUrl, AuditEvent, Checkpoint, CheckpointComparison, QueryParameters, RequestBody,
  ResponseBody, Sandbox, SandboxEvent, Secret, Success, Template, Webhook, WebhookDelivery, WebhookTestResult,
} from './types.js';

/** An event of the organization's stream, with its number (the stream's `id:`, to resume after). */
export interface NumberedEvent {
  /** Resume after this event by passing it as `lastEventId`. */
  number: string;
  event: SandboxEvent;
}

/**
 * {@link StateSetSandbox} with checkpoints, artifacts, webhooks, templates, and the organization's
 * keys, secrets, audit log, usage, plan, events and operations.
 */
export class StateSetSandboxExtended extends StateSetSandbox {
  /** Saves the sandbox's workspace (and, with `include_env`, its environment). */
  createCheckpoint(sandboxId: string, request: RequestBody<'/sandbox/{id}/checkpoints', 'post'>, options?: RequestOptions):
      Promise<Checkpoint> {
    return this.http.json('POST', `/sandbox/${seg(sandboxId)}/checkpoints`, { ...options, body: request });
  }

  /** Writes a checkpoint into a running sandbox (`restore_files`, `restore_env`, `overwrite`). */
  restoreCheckpoint(sandboxId: string, checkpointId: string,
      request: Omit<RequestBody<'/sandbox/{id}/checkpoints/restore', 'post'>, 'checkpoint_id'> = {}, options?: RequestOptions):
      Promise<ResponseBody<'/sandbox/{id}/checkpoints/restore', 'post'>> {
    return this.http.json('POST', `/sandbox/${seg(sandboxId)}/checkpoints/restore`, {
      ...options, body: { ...request, checkpoint_id: checkpointId },
    });
  }

  /** Copies a stored checkpoint under a new name. */
  cloneCheckpoint(checkpointId: string, name: string, description?: string, options?: RequestOptions): Promise<Checkpoint> {
    return this.http.json('POST', `/checkpoints/${seg(checkpointId)}/clone`, { ...options, body: { name, description } });
  }

  /** What changed from the first checkpoint to the second. */
  compareCheckpoints(checkpointId1: string, checkpointId2: string, options?: RequestOptions): Promise<CheckpointComparison> {
    return this.http.json('POST', '/checkpoints/compare', {
      ...options, body: { checkpoint_id_1: checkpointId1, checkpoint_id_2: checkpointId2 },
    });
  }

  /** The organization's checkpoints (of one sandbox, if given), newest first. */
  async listCheckpoints(sandboxId?: string, options?: RequestOptions): Promise<Checkpoint[]> {
    const answer = await this.http.json<{ checkpoints: Checkpoint[] }>('GET', '/checkpoints', { ...options, query: { sandbox_id: sandboxId } });
    return answer.checkpoints;
  }

  getCheckpoint(checkpointId: string, options?: RequestOptions): Promise<Checkpoint> {
    return this.http.json('GET', `/checkpoints/${seg(checkpointId)}`, options);
  }

  deleteCheckpoint(checkpointId: string, options?: RequestOptions): Promise<Success> {
    return this.http.json('DELETE', `/checkpoints/${seg(checkpointId)}`, options);
  }

  /** Stores a file of the sandbox's workspace as an artifact. */
  uploadArtifact(sandboxId: string, request: RequestBody<'/sandbox/{id}/artifacts/upload', 'post'>, options?: RequestOptions):
      Promise<Artifact> {
    return this.http.json('POST', `/sandbox/${seg(sandboxId)}/artifacts/upload`, { ...options, body: request });
  }

  /** Writes an artifact into the sandbox at `targetPath`. */
  downloadArtifact(sandboxId: string, artifactId: string, targetPath: string, options?: RequestOptions):
      Promise<ResponseBody<'/sandbox/{id}/artifacts/download', 'post'>> {
    return this.http.json('POST', `/sandbox/${seg(sandboxId)}/artifacts/download`, {
      ...options, body: { artifact_id: artifactId, target_path: targetPath },
    });
  }

  /** A URL that downloads the artifact with a plain GET and no credential, for `expiresIn` seconds (default 3600). */
  getArtifactUrl(artifactId: string, expiresIn?: number, options?: RequestOptions): Promise<ArtifactUrl> {
    return this.http.json('GET', `/artifacts/${seg(artifactId)}/url`, { ...options, query: { expires_in: expiresIn } });
  }

  async listArtifacts(sandboxId?: string, options?: RequestOptions): Promise<Artifact[]> {
    const answer = await this.http.json<{ artifacts: Artifact[] }>('GET', '/artifacts', { ...options, query: { sandbox_id: sandboxId } });
    return answer.artifacts;
  }

  getArtifact(artifactId: string, options?: RequestOptions): Promise<Artifact> {
    return this.http.json('GET', `/artifacts/${seg(artifactId)}`, options);
  }

  deleteArtifact(artifactId: string, options?: RequestOptions): Promise<Success> {
    return this.http.json('DELETE', `/artifacts/${seg(artifactId)}`, options);
  }

  /** Registers a webhook; the answer carries its signing secret, once. */
  createWebhook(request: RequestBody<'/webhooks', 'post'>, options?: RequestOptions): Promise<Webhook> {
    return this.http.json('POST', '/webhooks', { ...options, body: request });
  }

  async listWebhooks(options?: RequestOptions): Promise<Webhook[]> {
    const answer = await this.http.json<{ webhooks: Webhook[] }>('GET', '/webhooks', options);
    return answer.webhooks;
  }

  deleteWebhook(webhookId: string, options?: RequestOptions): Promise<Success> {
    return this.http.json('DELETE', `/webhooks/${seg(webhookId)}`, options);
  }

  /** Sends a signed `webhook.test` event now and says how it went. */
  testWebhook(webhookId: string, options?: RequestOptions): Promise<WebhookTestResult> {
    return this.http.json('POST', `/webhooks/${seg(webhookId)}/test`, options);
  }

  /** The webhook's deliveries, newest first, each with its attempts. */
  async getWebhookDeliveries(webhookId: string, limit?: number, options?: RequestOptions): Promise<WebhookDelivery[]> {
    const answer = await this.http.json<{ deliveries: WebhookDelivery[] }>('GET', `/webhooks/${seg(webhookId)}/deliveries`, {
      ...options, query: { limit },
    });
    return answer.deliveries;
  }

  /** The templates (of a category, or matching a search), in the server's order. */
  async listTemplates(query: QueryParameters<'/templates', 'get'> = {}, options?: RequestOptions): Promise<Template[]> {
    const answer = await this.http.json<{ templates: Template[] }>('GET', '/templates', { ...options, query });
    return answer.templates;
  }

  getTemplate(templateId: string, options?: RequestOptions): Promise<Template> {
    return this.http.json('GET', `/templates/${seg(templateId)}`, options);
  }

  /** Creates a sandbox from a template, overriding its defaults. */
  createFromTemplate(templateId: string, request: Omit<RequestBody<'/sandbox/create-from-template', 'post'>, 'template_id'> = {},
      options?: RequestOptions): Promise<Sandbox> {
    return this.http.json('POST', '/sandbox/create-from-template', { ...options, body: { ...request, template_id: templateId } });
  }

  /** The organization's active API keys, without secrets. */
  async listApiKeys(options?: RequestOptions): Promise<ApiKey[]> {
    const answer = await this.http.json<{ api_keys: ApiKey[] }>('GET', '/api-keys', options);
    return answer.api_keys;
  }

  /** Creates an API key; `key` is in this answer only. */
  createApiKey(request: RequestBody<'/api-keys', 'post'>, options?: RequestOptions): Promise<ResponseBody<'/api-keys', 'post'>> {
    return this.http.json('POST', '/api-keys', { ...options, body: request });
  }

  revokeApiKey(keyId: string, options?: RequestOptions): Promise<Success> {
    return this.http.json('DELETE', `/api-keys/${seg(keyId)}`, options);
  }

  /** The organization's secrets, without values. */
  async listSecrets(options?: RequestOptions): Promise<Secret[]> {
    const answer = await this.http.json<{ secrets: Secret[] }>('GET', '/secrets', options);
    return answer.secrets;
  }

  async createSecret(request: RequestBody<'/secrets', 'post'>, options?: RequestOptions): Promise<Secret> {
    const answer = await this.http.json<{ secret: Secret }>('POST', '/secrets', { ...options, body: request });
    return answer.secret;
  }

  async updateSecret(name: string, request: RequestBody<'/secrets/{name}', 'put'>, options?: RequestOptions): Promise<Secret> {
    const answer = await this.http.json<{ secret: Secret }>('PUT', `/secrets/${seg(name)}`, { ...options, body: request });
    return answer.secret;
  }

  deleteSecret(name: string, options?: RequestOptions): Promise<Success> {
    return this.http.json('DELETE', `/secrets/${seg(name)}`, options);
  }

  /** A page of the organization's audit log, newest first, and how many events match. */
  auditLog(query: QueryParameters<'/audit', 'get'> = {}, options?: RequestOptions): Promise<{ events: AuditEvent[]; total: number }> {
    return this.http.json('GET', '/audit', { ...options, query });
  }

  /** The calendar month so far, with its estimated cost. */
  currentUsage(options?: RequestOptions): Promise<ResponseBody<'/usage/current', 'get'>> {
    return this.http.json('GET', '/usage/current', options);
  }

  usageHistory(query: QueryParameters<'/usage/history', 'get'> = {}, options?: RequestOptions): Promise<ResponseBody<'/usage/history', 'get'>> {
    return this.http.json('GET', '/usage/history', { ...options, query });
  }

  /** Each sandbox's share of a period's usage, most expensive first. */
  usageBySandbox(query: QueryParameters<'/usage/sandboxes', 'get'> = {}, options?: RequestOptions):
      Promise<ResponseBody<'/usage/sandboxes', 'get'>> {
    return this.http.json('GET', '/usage/sandboxes', { ...options, query });
  }

  /** The organization's plan, its limits and what is in use. */
  subscription(options?: RequestOptions): Promise<ResponseBody<'/billing/subscription', 'get'>> {
    return this.http.json('GET', '/billing/subscription', options);
  }

  /** The hosted service's checkout: a self-hosted server's operator sets plans, so this always fails (409 NOT_AVAILABLE). */
  upgradePlan(request: Record<string, unknown> = {}, options?: RequestOptions): Promise<never> {
    return this.http.json('POST', '/billing/upgrade', { ...options, body: request });
  }

  /** The hosted service's billing portal: always 409 NOT_AVAILABLE here. */
  billingPortal(options?: RequestOptions): Promise<never> {
    return this.http.json('POST', '/billing/portal', { ...options, body: {} });
  }

  /** The hosted service's invoices: always 409 NOT_AVAILABLE here. */
  invoices(options?: RequestOptions): Promise<never> {
    return this.http.json('GET', '/billing/invoices', options);
  }

  /** The installation's warm pool. */
  poolStats(options?: RequestOptions): Promise<ResponseBody<'/pool/stats', 'get'>> {
    return this.http.json('GET', '/pool/stats', options);
  }

  /** The organization's webhook deliveries waiting and done. */
  queueHealth(options?: RequestOptions): Promise<ResponseBody<'/queue/health', 'get'>> {
    return this.http.json('GET', '/queue/health', options);
  }

  /** Measures create-to-first-command by creating real sandboxes (they count in the plan). */
  runBenchmark(query: QueryParameters<'/benchmark', 'get'> = {}, options?: RequestOptions): Promise<ResponseBody<'/benchmark', 'get'>> {
    return this.http.json('GET', '/benchmark', { ...options, query, timeoutMs: options?.timeoutMs ?? this.http.atLeast(300_000) });
  }

  benchmarkHistory(query: QueryParameters<'/benchmark/history', 'get'> = {}, options?: RequestOptions):
      Promise<ResponseBody<'/benchmark/history', 'get'>> {
    return this.http.json('GET', '/benchmark/history', { ...options, query });
  }

  benchmarkSummary(query: QueryParameters<'/benchmark/summary', 'get'> = {}, options?: RequestOptions):
      Promise<ResponseBody<'/benchmark/summary', 'get'>> {
    return this.http.json('GET', '/benchmark/summary', { ...options, query });
  }

  /**
   * The organization's events as they happen, until `options.signal` aborts. Without `lastEventId`
   * from now; `'0'` from the first kept. A broken connection (a server restart) is resumed after
   * the last event received, so none is lost or repeated.
   */
  async *events(query: { types?: string[]; sandbox_id?: string; lastEventId?: string } = {}, options?: RequestOptions):
      AsyncGenerator<NumberedEvent> {
    let last = query.lastEventId;
    for (let failures = 0; ;) {
      try {
        const response = await this.http.raw('GET', '/events/stream', {
          ...options,
          query: { types: query.types?.join(','), sandbox_id: query.sandbox_id },
          headers: { ...options?.headers, Accept: 'text/event-stream', ...(last !== undefined ? { 'Last-Event-ID': last } : {}) },
        });
        for await (const message of readEvents(body(response))) {
          failures = 0;
          if (message.id !== undefined) {
            last = message.id;
          }
          yield { number: message.id ?? '', event: JSON.parse(message.data) as SandboxEvent };
        }
      } catch (error) {
        if (options?.signal?.aborted) {
          throw options.signal.reason;
        }
        const retryable = error instanceof SandboxConnectionError || error instanceof TypeError
          || error instanceof SandboxApiError && (error.status >= 500 || error.status === 429);
        if (!retryable || failures++ >= 10) {
          throw error;
        }
      }
      await pause(3000, options?.signal); // the server's retry: 3000
    }
  }
}
