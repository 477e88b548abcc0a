import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { AuthenticationError, ConflictError, NotFoundError, StateSetSandboxExtended } from '@stateset/sandbox-sdk';
import { SERVER, organizationWithSandbox, recordingFetch, take } from './helpers.mjs';

let client;
let id;
before(async () => ({ client, id } = await organizationWithSandbox()));
after(() => client?.delete(id).catch(() => undefined));

test('checkpoints: create, list, get, restore, clone, compare and delete', async () => {
  await client.writeFiles(id, [{ path: 'app.txt', content: 'v1' }]);
  const first = await client.createCheckpoint(id, { name: 'first', description: 'v1', include_env: true });
  assert.match(first.id, /^chk_/);
  assert.equal(first.name, 'first');
  await client.writeFiles(id, [{ path: 'app.txt', content: 'v2' }, { path: 'new.txt', content: 'n' }]);
  const second = await client.createCheckpoint(id, { name: 'second' });

  const diff = await client.compareCheckpoints(first.id, second.id);
  assert.deepEqual(diff.added, ['new.txt']);
  assert.deepEqual(diff.modified, ['app.txt']);

  await client.restoreCheckpoint(id, first.id, { restore_files: true, restore_env: true, overwrite: true });
  assert.equal(await client.readFile(id, 'app.txt'), 'v1');
  assert.equal(await client.readFile(id, 'new.txt'), 'n', 'files created since are kept');

  const clone = await client.cloneCheckpoint(first.id, 'copy of first');
  assert.equal(clone.name, 'copy of first');
  assert.equal(clone.checksum, first.checksum);
  assert.deepEqual((await client.listCheckpoints(id)).map((c) => c.id).sort(), [first.id, second.id, clone.id].sort());
  assert.equal((await client.getCheckpoint(second.id)).name, 'second');
  for (const checkpoint of [first, second, clone]) {
    await client.deleteCheckpoint(checkpoint.id);
  }
  await assert.rejects(client.getCheckpoint(first.id), (e) => e instanceof NotFoundError && e.code === 'CHECKPOINT_NOT_FOUND');
});

test('artifacts: upload from the sandbox, a signed URL that needs no credential, download into it, delete', async () => {
  await client.writeFiles(id, [{ path: 'out/report.csv', content: 'a,b\n1,2\n' }]);
  const artifact = await client.uploadArtifact(id, { path: 'out/report.csv', remote_path: 'reports/r.csv', expires_in: 3600 });
  assert.equal(artifact.size, 8);
  assert.equal(artifact.content_type, 'text/csv');
  assert.equal((await client.getArtifact(artifact.id)).remote_path, 'reports/r.csv');
  assert.deepEqual((await client.listArtifacts(id)).map((a) => a.id), [artifact.id]);

  const { url, expires_at: expiresAt } = await client.getArtifactUrl(artifact.id, 60);
  assert.ok(Date.parse(expiresAt) > Date.now());
  const download = await fetch(new URL(url, SERVER));
  assert.equal(download.status, 200);
  assert.equal(await download.text(), 'a,b\n1,2\n');

  const written = await client.downloadArtifact(id, artifact.id, '/workspace/in/copy.csv');
  assert.equal(written.path, '/workspace/in/copy.csv');
  assert.equal(await client.readFile(id, 'in/copy.csv'), 'a,b\n1,2\n');
  await client.deleteArtifact(artifact.id);
  await assert.rejects(client.getArtifact(artifact.id), NotFoundError);
});

test('webhooks: a signed test delivery reaches a real receiver, and is listed with its attempts', async () => {
  const received = [];
  const receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      received.push({ body, signature: request.headers['x-sandbox-signature'] });
      response.end('ok');
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  try {
    const secret = 'whsec_sdk_test_secret_0123456789';
    const webhook = await client.createWebhook({
      url: `http://127.0.0.1:${receiver.address().port}/hook`, events: ['sandbox.created'], secret,
    });
    assert.equal(webhook.secret, secret);
    assert.deepEqual((await client.listWebhooks()).map((w) => w.id), [webhook.id]);
    const result = await client.testWebhook(webhook.id);
    assert.equal(result.success, true);
    assert.equal(result.status_code, 200);
    assert.equal(received.length, 1);
    const expected = `sha256=${createHmac('sha256', secret).update(received[0].body).digest('hex')}`;
    assert.equal(received[0].signature, expected, 'signed as the guide verifies it');
    assert.equal(JSON.parse(received[0].body).event, 'webhook.test');

    const other = await client.create({ template: 'python-basic' });
    await client.delete(other.sandbox_id);
    let deliveries = [];
    for (let i = 0; i < 100 && deliveries[0]?.status !== 'delivered'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      deliveries = await client.getWebhookDeliveries(webhook.id, 10);
    }
    assert.equal(deliveries.length, 1, 'one event subscribed to: sandbox.created');
    assert.equal(deliveries[0].event, 'sandbox.created');
    assert.equal(deliveries[0].status, 'delivered');
    assert.equal(deliveries[0].attempt_history[0].response_status, 200);
    const delivered = received.find((r) => JSON.parse(r.body).event === 'sandbox.created');
    assert.equal(JSON.parse(delivered.body).sandboxId, other.sandbox_id);
    await client.deleteWebhook(webhook.id);
    assert.deepEqual(await client.listWebhooks(), []);
  } finally {
    receiver.close();
  }
});

test('templates: listed, one by id, and a sandbox from one', async () => {
  const templates = await client.listTemplates();
  const python = templates.find((t) => t.id === 'python-basic');
  assert.equal(python.category, 'language');
  assert.deepEqual((await client.listTemplates({ category: 'language', search: 'python' })).map((t) => t.id), ['python-basic']);
  assert.equal((await client.getTemplate('node-basic')).id, 'node-basic');
  const sandbox = await client.createFromTemplate('node-basic', { timeout_seconds: 120, env: { MODE: 'template' } });
  try {
    assert.equal(sandbox.template, 'node-basic');
    const run = await client.execute(sandbox.sandbox_id, { command: ['node', '-e', 'console.log(process.env.MODE)'] });
    assert.equal(run.stdout, 'template\n');
  } finally {
    await client.delete(sandbox.sandbox_id);
  }
});

test('API keys: created with scopes, listed without secrets, revoked at once', async () => {
  const created = await client.createApiKey({ name: 'reader', scopes: ['sandbox:read'], expires_in_days: 1 });
  assert.match(created.key, /^sk-sandbox-/);
  const keys = await client.listApiKeys();
  assert.ok(keys.some((k) => k.id === created.api_key.id && k.key === undefined));
  const reader = new StateSetSandboxExtended({ baseUrl: SERVER, authToken: created.key, fetch: recordingFetch });
  assert.equal((await reader.get(id)).sandbox_id, id);
  await assert.rejects(reader.execute(id, { command: 'true' }), (e) => e.status === 403);
  await client.revokeApiKey(created.api_key.id);
  await assert.rejects(reader.get(id), AuthenticationError);
});

test('audit log, usage, the plan and the hosted-only billing calls', async () => {
  const audit = await client.auditLog({ action: 'sandbox.create', limit: 5 });
  assert.ok(audit.total >= 1);
  assert.equal(audit.events[0].action, 'sandbox.create');
  const usage = await client.currentUsage();
  assert.ok(Number.isInteger(usage.estimated_cost_cents));
  assert.ok((await client.usageHistory({ granularity: 'daily' })).data.length >= 1);
  const bySandbox = await client.usageBySandbox();
  assert.ok(bySandbox.sandboxes.some((s) => s.sandbox_id === id));
  const subscription = await client.subscription();
  assert.equal(subscription.subscription.status, 'active');
  assert.equal(typeof subscription.plan, 'string');
  for (const call of [() => client.upgradePlan({ plan: 'pro' }), () => client.billingPortal(), () => client.invoices()]) {
    await assert.rejects(call(), (e) => e instanceof ConflictError && e.code === 'NOT_AVAILABLE');
  }
});

test('operations: the warm pool, the delivery queue and a benchmark run', async () => {
  const pool = await client.poolStats();
  assert.equal(typeof pool.enabled, 'boolean');
  assert.equal((await client.queueHealth()).queue, 'event-deliveries');
  const run = await client.runBenchmark({ runs: 1, template: 'python-basic' });
  assert.equal(run.runs, 1);
  assert.equal((await client.benchmarkHistory({ limit: 5 })).results[0].id, run.id);
  assert.equal((await client.benchmarkSummary({ days: 1 })).benchmarks, 1);
});

test('events: the organization\'s stream from the start, resumed after a number', async () => {
  const controller = new AbortController();
  const events = await take(client.events({ lastEventId: '0', types: ['sandbox.created', 'sandbox.ready'] }, { signal: controller.signal }),
      (item) => item.event.sandboxId === id && item.event.event === 'sandbox.ready');
  controller.abort();
  const created = events.find((e) => e.event.sandboxId === id && e.event.event === 'sandbox.created');
  assert.ok(created, JSON.stringify(events));
  assert.match(created.event.id, /^evt_/);

  const resumed = new AbortController();
  const after = await take(client.events({ lastEventId: created.number, sandbox_id: id }, { signal: resumed.signal }), () => true);
  resumed.abort();
  assert.ok(Number(after[0].number) > Number(created.number));
});
