import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import {
  ConflictError, NotFoundError, QuotaExceededError, SandboxApiError, ServerError, StateSetSandbox, ValidationError,
} from '@stateset/sandbox-sdk';

/**
 * A real HTTP server answering each request with the next of `answers` ([status, body, headers]);
 * for what the sandbox server cannot be made to answer on demand (a proxy's HTML page, a 503 that
 * heals), not in place of it: the live suite calls the real server.
 */
async function serving(answers) {
  const requests = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      requests.push({ method: request.method, url: request.url, headers: request.headers, body });
      const [status, text, headers] = answers.shift() ?? [500, '{}', {}];
      response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      response.end(text);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { requests, server, url: `http://127.0.0.1:${server.address().port}` };
}

const error = (code, message, details = {}) => JSON.stringify({ error: { code, message, request_id: 'req_1', details } });

test('each status maps to its error class, with code, field and request id', async () => {
  const { server, url } = await serving([
    [400, error('VALIDATION_ERROR', 'cpus: too many', { field: 'cpus' })],
    [404, error('SANDBOX_NOT_FOUND', 'no such sandbox')],
    [409, error('CONFLICT', 'not running')],
    [429, error('QUOTA_EXCEEDED', 'plan limit', { quota: 'concurrent_sandboxes' })],
    [502, '<html>bad gateway</html>', { 'Content-Type': 'text/html', 'X-Request-Id': 'req_proxy' }],
  ]);
  const client = new StateSetSandbox({ baseUrl: url, authToken: 'sk-sandbox-test', maxRetries: 0 });
  try {
    const caught = [];
    for (let i = 0; i < 5; i++) {
      caught.push(await client.get('sbx_1').catch((e) => e));
    }
    assert.ok(caught[0] instanceof ValidationError && caught[0].field === 'cpus' && caught[0].requestId === 'req_1');
    assert.ok(caught[1] instanceof NotFoundError && caught[1].code === 'SANDBOX_NOT_FOUND');
    assert.ok(caught[2] instanceof ConflictError);
    assert.ok(caught[3] instanceof QuotaExceededError, 'a quota is not a rate limit: never retried');
    assert.ok(caught[4] instanceof ServerError && caught[4].code === 'HTTP_502' && caught[4].requestId === 'req_proxy');
    assert.match(caught[4].message, /bad gateway/);
    assert.ok(caught.every((e) => e instanceof SandboxApiError));
  } finally {
    server.close();
  }
});

test('a 503 is retried for a GET and for a POST with its key, the same key each time; the API key goes as ApiKey', async () => {
  const { requests, server, url } = await serving([
    [503, error('RUNTIME_UNAVAILABLE', 'engine down'), { 'Retry-After': '0' }],
    [200, '{"sandbox_id":"sbx_1"}'],
    [503, error('RUNTIME_UNAVAILABLE', 'engine down'), { 'Retry-After': '0' }],
    [200, '{"exit_code":0}'],
  ]);
  const client = new StateSetSandbox({ baseUrl: `${url}/api/v1/`, authToken: 'sk-sandbox-test' });
  try {
    assert.equal((await client.get('sbx_1')).sandbox_id, 'sbx_1');
    assert.equal((await client.execute('sbx_1', { command: 'true' })).exit_code, 0);
    assert.deepEqual(requests.map((r) => `${r.method} ${r.url}`), [
      'GET /api/v1/sandbox/sbx_1', 'GET /api/v1/sandbox/sbx_1',
      'POST /api/v1/sandbox/sbx_1/execute', 'POST /api/v1/sandbox/sbx_1/execute',
    ]);
    assert.equal(requests[0].headers.authorization, 'ApiKey sk-sandbox-test');
    assert.ok(requests[2].headers['idempotency-key']);
    assert.equal(requests[3].headers['idempotency-key'], requests[2].headers['idempotency-key']);
    assert.equal(requests[3].body, requests[2].body);
  } finally {
    server.close();
  }
});

test('a JWT goes as a bearer token; ids are encoded into the path', async () => {
  const { requests, server, url } = await serving([[200, '{}']]);
  try {
    await new StateSetSandbox({ baseUrl: url, authToken: 'eyJhbGciOiJIUzI1NiJ9.e30.sig' }).get('a/b?c');
    assert.equal(requests[0].headers.authorization, 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig');
    assert.equal(requests[0].url, '/api/v1/sandbox/a%2Fb%3Fc');
  } finally {
    server.close();
  }
});
