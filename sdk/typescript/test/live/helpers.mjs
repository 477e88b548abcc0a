// What the live tests share: the server under test (SANDBOX_URL), a new organization per test file,
// and a fetch that records each call's method, path and status (SDK_CALLS_FILE), from which the
// test harness checks that every operation of docs/openapi.yaml was called through the SDK.
import { appendFileSync } from 'node:fs';
import { StateSetSandboxExtended } from '@stateset/sandbox-sdk';

export const SERVER = process.env.SANDBOX_URL;
if (!SERVER) {
  throw new Error('SANDBOX_URL must name a running server (http://127.0.0.1:8080): these tests talk to it');
}

/** Statuses seen, by "METHOD /path", for tests that check what happened on the wire. */
export const seen = [];

export const recordingFetch = async (url, init) => {
  const response = await fetch(url, init);
  const path = new URL(url).pathname.replace(/^\/api\/v1/, '');
  seen.push({ method: init?.method ?? 'GET', path, status: response.status });
  if (process.env.SDK_CALLS_FILE) {
    appendFileSync(process.env.SDK_CALLS_FILE, JSON.stringify({ method: init?.method ?? 'GET', path, status: response.status }) + '\n');
  }
  return response;
};

let organizations = 0;

/** A new organization and a client with its first key. */
export async function newOrganization(options = {}) {
  const anonymous = new StateSetSandboxExtended({ baseUrl: SERVER, fetch: recordingFetch });
  const unique = `${process.pid}-${Date.now()}-${organizations++}`;
  const registration = await anonymous.register({ email: `sdk-${unique}@example.com`, organization_name: `SDK ${unique}` });
  const key = registration.api_key.key;
  return {
    key,
    registration,
    client: new StateSetSandboxExtended({ baseUrl: SERVER, authToken: key, fetch: recordingFetch, ...options }),
  };
}

/** Collects an async iterable's items until `until` says stop (or it ends). */
export async function take(iterable, until) {
  const items = [];
  for await (const item of iterable) {
    items.push(item);
    if (until(item, items)) {
      break;
    }
  }
  return items;
}

/** A new organization and a sandbox of its own (python-basic unless `request` says otherwise). */
export async function organizationWithSandbox(request = { template: 'python-basic' }) {
  const organization = await newOrganization();
  const sandbox = await organization.client.create(request);
  return { ...organization, sandbox, id: sandbox.sandbox_id };
}
