import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AuthenticationError, NotFoundError, StateSetSandbox, ValidationError, ConflictError,
} from '@stateset/sandbox-sdk';
import { SERVER, organizationWithSandbox, recordingFetch, take } from './helpers.mjs';

let client;
let sandbox;
before(async () => ({ client, sandbox } = await organizationWithSandbox({ template: 'python-basic', env: { GREETING: 'hello' }, metadata: { suite: 'sdk' } })));
after(() => client?.delete(sandbox.sandbox_id).catch(() => undefined));

test('create answers a running sandbox, which get, list and status describe', async () => {
  assert.equal(sandbox.status, 'running');
  assert.match(sandbox.sandbox_id, /^sbx_/);
  assert.deepEqual(sandbox.env_keys, ['GREETING']);
  const again = await client.get(sandbox.sandbox_id);
  assert.equal(again.id, sandbox.sandbox_id);
  assert.deepEqual(again.metadata, { suite: 'sdk' });
  const listed = await client.list({ status: 'running' });
  assert.ok(listed.sandboxes.some((s) => s.sandbox_id === sandbox.sandbox_id));
  assert.equal(typeof listed.total, 'number');
  const status = await client.status(sandbox.sandbox_id);
  assert.equal(status.status, 'running');
  assert.ok(status.remaining_extend_seconds >= 0);
});

test('execute runs a shell string or an argv list, with the sandbox\'s environment and the call\'s', async () => {
  const shell = await client.execute(sandbox.sandbox_id, { command: 'echo "$GREETING $WHO" && echo oops >&2; exit 3', env: { WHO: 'sdk' } });
  assert.equal(shell.stdout, 'hello sdk\n');
  assert.equal(shell.stderr, 'oops\n');
  assert.equal(shell.exit_code, 3);
  assert.equal(shell.output_truncated, false);
  const argv = await client.execute(sandbox.sandbox_id, { command: ['python3', '-c', 'import os; print(os.getcwd())'], working_dir: '/tmp' });
  assert.equal(argv.stdout, '/tmp\n');
  const slow = await client.execute(sandbox.sandbox_id, { command: 'sleep 5', timeout: 300 });
  assert.equal(slow.exit_code, 124);
  assert.equal(slow.timed_out, true);
});

test('executeStream yields output as the command writes it, then its exit', async () => {
  const started = Date.now();
  const arrivals = [];
  const events = [];
  for await (const event of client.executeStream(sandbox.sandbox_id, {
    command: ['python3', '-u', '-c', 'import time, sys\nprint("one")\ntime.sleep(1)\nprint("two", file=sys.stderr)\nexit(2)'],
  })) {
    events.push(event);
    arrivals.push(Date.now() - started);
  }
  // A write may come as more than one event (python writes "two" and its newline apart).
  const firstErr = events.findIndex((e) => e.type === 'stderr');
  assert.deepEqual([...new Set(events.map((e) => e.type))], ['stdout', 'stderr', 'exit']);
  assert.equal(events.filter((e) => e.type === 'stdout').map((e) => e.data).join(''), 'one\n');
  assert.equal(events.filter((e) => e.type === 'stderr').map((e) => e.data).join(''), 'two\n');
  assert.equal(events.at(-1).code, 2);
  assert.ok(arrivals[firstErr] - arrivals[0] >= 900, `the first line came before the pause, not with the rest: ${arrivals}`);
});

test('extend moves the expiry later; fork copies the workspace into a new sandbox', async () => {
  const before = Date.parse(sandbox.expires_at);
  const extended = await client.extend(sandbox.sandbox_id, 60);
  assert.ok(Date.parse(extended.expires_at) >= before + 59_000);

  await client.writeFiles(sandbox.sandbox_id, [{ path: 'forked.txt', content: 'carried over' }]);
  const fork = await client.fork(sandbox.sandbox_id, { checkpoint_name: 'sdk fork' });
  try {
    assert.equal(fork.parent_id, sandbox.sandbox_id);
    assert.equal(fork.forked_id, fork.sandbox.sandbox_id);
    assert.equal(await client.readFile(fork.sandbox.sandbox_id, 'forked.txt'), 'carried over');
    const env = await client.execute(fork.sandbox.sandbox_id, { command: 'echo $GREETING' });
    assert.equal(env.stdout, 'hello\n');
  } finally {
    await client.delete(fork.sandbox.sandbox_id);
    await client.deleteCheckpoint(fork.checkpoint_id);
  }
});

test('promote moves a sandbox to gVisor and stops the source', async () => {
  const source = await client.create({ template: 'python-basic' });
  await client.writeFiles(source.sandbox_id, [{ path: 'moved.txt', content: 'along' }]);
  const promoted = await client.promote(source.sandbox_id, { target_isolation: 'gvisor' });
  try {
    assert.equal(promoted.isolation, 'gvisor');
    assert.equal(promoted.source_stopped, true);
    assert.equal((await client.get(source.sandbox_id)).status, 'terminated');
    assert.equal(await client.readFile(promoted.promoted_id, 'moved.txt'), 'along');
  } finally {
    await client.delete(promoted.promoted_id);
    await client.deleteCheckpoint(promoted.checkpoint_id);
    await client.delete(source.sandbox_id);
  }
});

test('errors carry the status, the code, the field and the request id', async () => {
  const missing = await client.get('sbx_doesnotexist').then(() => assert.fail('found'), (e) => e);
  assert.ok(missing instanceof NotFoundError);
  assert.equal(missing.status, 404);
  assert.equal(missing.code, 'SANDBOX_NOT_FOUND');
  assert.match(missing.requestId, /\S/);

  const invalid = await client.create({ cpus: 'lots' }).then(() => assert.fail('created'), (e) => e);
  assert.ok(invalid instanceof ValidationError);
  assert.equal(invalid.code, 'VALIDATION_ERROR');
  assert.equal(invalid.field, 'cpus');

  const anonymous = new StateSetSandbox({ baseUrl: SERVER, authToken: 'sk-sandbox-not-a-key', fetch: recordingFetch });
  const denied = await anonymous.get(sandbox.sandbox_id).then(() => assert.fail('answered'), (e) => e);
  assert.ok(denied instanceof AuthenticationError);
  assert.equal(denied.status, 401);
});

test('metrics, their history and summary, the audit summary and health', async () => {
  const now = await client.metrics(sandbox.sandbox_id);
  assert.equal(now.sandbox_id, sandbox.sandbox_id);
  assert.ok(now.metrics.memory.usage > 0);
  const history = await client.metricsHistory(sandbox.sandbox_id, { limit: 10 });
  assert.ok(Array.isArray(history.history));
  const summary = await client.metricsSummary(sandbox.sandbox_id);
  assert.equal(summary.sandbox_id, sandbox.sandbox_id);
  const audit = await client.auditSummary(sandbox.sandbox_id);
  assert.ok(audit.commands_executed >= 1);
  assert.equal((await client.health()).status, 'healthy');
  assert.equal((await client.openApi()).openapi, '3.1.0');
  assert.match(await client.openApiYaml(), /^openapi: 3\.1\.0\n/);
});

test('secrets reach the commands run after their injection', async () => {
  await client.createSecret({ name: 'SDK_TOKEN', value: 's3cret-value' });
  const injected = await client.injectSecrets(sandbox.sandbox_id, { secrets: ['SDK_TOKEN'] });
  assert.deepEqual(injected.injected, ['SDK_TOKEN']);
  assert.equal((await client.execute(sandbox.sandbox_id, { command: 'printf %s "$SDK_TOKEN"' })).stdout, 's3cret-value');
  const updated = await client.updateSecret('SDK_TOKEN', { value: 'rotated' });
  assert.equal(updated.name, 'SDK_TOKEN');
  assert.equal((await client.execute(sandbox.sandbox_id, { command: 'printf %s "$SDK_TOKEN"' })).stdout, 'rotated');
  assert.deepEqual((await client.listSecrets()).map((s) => s.name), ['SDK_TOKEN']);
  await client.deleteSecret('SDK_TOKEN');
  assert.equal((await client.execute(sandbox.sandbox_id, { command: 'printf %s "${SDK_TOKEN-gone}"' })).stdout, 'gone');
});

test('stop frees the sandbox; a command then is a conflict; delete hides it', async () => {
  const doomed = await client.create({ template: 'python-basic' });
  assert.deepEqual(await client.stop(doomed.sandbox_id), { success: true });
  assert.equal((await client.get(doomed.sandbox_id)).status, 'terminated');
  const refused = await client.execute(doomed.sandbox_id, { command: 'true' }).then(() => assert.fail('ran'), (e) => e);
  assert.ok(refused instanceof ConflictError);
  await client.delete(doomed.sandbox_id);
  await assert.rejects(client.get(doomed.sandbox_id), NotFoundError);
});

test('an abort signal ends a call at once', async () => {
  const controller = new AbortController();
  const call = client.execute(sandbox.sandbox_id, { command: 'sleep 10' }, { signal: controller.signal });
  setTimeout(() => controller.abort(), 200);
  const started = Date.now();
  const error = await call.then(() => assert.fail('finished'), (e) => e);
  assert.equal(error.name, 'AbortError');
  assert.ok(Date.now() - started < 5000);
  const events = await take(client.executeStream(sandbox.sandbox_id, { command: 'echo after' }), () => false);
  assert.equal(events[0].data, 'after\n');
});
