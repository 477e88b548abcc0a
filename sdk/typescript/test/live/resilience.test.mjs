// Retries, timeouts and the rate limit against the real server. Broken connections come from a real
// TCP proxy in front of it that cuts chosen connections: before the request reaches the server (as
// a server that is down), or after the server has answered but before the client reads it (as a
// server that dies mid-call, the case only an Idempotency-Key makes safe to retry).
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import { after, before, test } from 'node:test';
import {
  RateLimitError, SandboxConnectionError, SandboxTimeoutError, StateSetSandboxExtended,
} from '@stateset/sandbox-sdk';
import { SERVER, organizationWithSandbox, recordingFetch, seen } from './helpers.mjs';

let key;
let client;
let id;
before(async () => ({ key, client, id } = await organizationWithSandbox()));
after(() => client?.delete(id).catch(() => undefined));
const proxies = [];

after(() => proxies.forEach((proxy) => proxy.close()));

/**
 * A client through a proxy of its own (a new origin, so no connection of another test is reused)
 * whose first connections meet the fates in `plan` ('refuse', 'cut-answer'); the rest pass.
 */
async function through(plan, options = {}) {
  const target = new URL(SERVER);
  const proxy = createServer((downstream) => {
    const fate = plan.shift() ?? 'pass';
    if (fate === 'refuse') {
      downstream.destroy();
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    downstream.pipe(upstream);
    if (fate === 'cut-answer') {
      upstream.once('data', () => {
        downstream.destroy(); // the server answered; the client never sees it
        upstream.destroy();
      });
    } else {
      upstream.pipe(downstream);
    }
    downstream.on('error', () => upstream.destroy());
    upstream.on('error', () => downstream.destroy());
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxies.push(proxy);
  return new StateSetSandboxExtended({ baseUrl: `http://127.0.0.1:${proxy.address().port}`, authToken: key, ...options });
}

test('a GET whose connection breaks is retried', async () => {
  const plan = ['refuse', 'refuse'];
  assert.equal((await (await through(plan)).get(id)).sandbox_id, id);
  assert.deepEqual(plan, []);
});

test('without retries the broken connection is the caller\'s error', async () => {
  const error = await (await through(['refuse'], { maxRetries: 0 })).get(id).then(() => assert.fail('answered'), (e) => e);
  assert.ok(error instanceof SandboxConnectionError, String(error));
});

test('a create whose answer is lost is retried under its Idempotency-Key: one sandbox, not two', async () => {
  const before = (await client.list()).total;
  const plan = ['cut-answer'];
  const created = await (await through(plan)).create({ template: 'python-basic', metadata: { attempt: 'cut' } });
  assert.deepEqual(plan, [], 'the first answer was cut');
  const after = await client.list();
  assert.equal(after.total, before + 1, 'the retry was answered with the first create\'s sandbox');
  assert.equal(after.sandboxes[0].sandbox_id, created.sandbox_id);
  await client.delete(created.sandbox_id);
});

test('a command whose answer is lost runs once', async () => {
  await client.writeFiles(id, [{ path: 'count.txt', content: '' }]);
  const run = await (await through(['cut-answer'])).execute(id, { command: 'echo ran >> count.txt; wc -l < count.txt' });
  assert.equal(run.stdout.trim(), '1');
  assert.equal(await client.readFile(id, 'count.txt'), 'ran\n');
});

test('a POST without an Idempotency-Key is not retried', async () => {
  const error = await (await through(['refuse'], { idempotencyKeys: false })).execute(id, { command: 'true' }).then(() => assert.fail('ran'), (e) => e);
  assert.ok(error instanceof SandboxConnectionError);
});

test('the rate limit\'s 429s are waited out (Retry-After), or given to the caller without retries', async () => {
  // A key of its own: the limit is per credential, and this test drains its bucket.
  const { key: own } = await client.createApiKey({ name: 'burst' });
  const burst = new StateSetSandboxExtended({ baseUrl: SERVER, authToken: own, fetch: recordingFetch, maxRetries: 5 });
  const statuses = seen.length;
  const answers = await Promise.all(Array.from({ length: 160 }, () => burst.status(id)));
  assert.ok(answers.every((answer) => answer.status === 'running'));
  const limited = seen.slice(statuses).filter((call) => call.status === 429).length;
  assert.ok(limited > 0, 'the burst went past the limit (50/s, 100 at once)');

  const impatient = new StateSetSandboxExtended({ baseUrl: SERVER, authToken: own, fetch: recordingFetch, maxRetries: 0 });
  const results = await Promise.allSettled(Array.from({ length: 160 }, () => impatient.status(id)));
  const refused = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
  assert.ok(refused.length > 0);
  assert.ok(refused.every((e) => e instanceof RateLimitError && e.code === 'RATE_LIMITED' && e.retryAfterMs >= 1000), String(refused[0]));
});

test('a call past its timeout fails with a timeout error; the client\'s own is longer than a command\'s', async () => {
  const hasty = new StateSetSandboxExtended({ baseUrl: SERVER, authToken: key, fetch: recordingFetch, timeoutMs: 500, maxRetries: 0 });
  await assert.rejects(hasty.listFiles(id, '/workspace', {}, { timeoutMs: 1 }), SandboxTimeoutError);
  // execute waits for the command's own timeout, not the client's 500 ms
  const run = await hasty.execute(id, { command: 'sleep 1; echo slept', timeout: 5000 });
  assert.equal(run.stdout, 'slept\n');
  await assert.rejects(hasty.execute(id, { command: 'sleep 3' }, { timeoutMs: 300 }), SandboxTimeoutError);
});
