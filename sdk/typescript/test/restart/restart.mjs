// The server stopped and started again in the middle of calls, for real: run by the distribution's
// TypeScriptSdkIT, which restarts the server at SANDBOX_URL when this writes SDK_RESTART_MARKER.
// A background process's output followed across the restart arrives whole, once; the events stream
// resumes after the last event it had; a command sent while the server is down runs once it is up.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { StateSetSandboxExtended } from '@stateset/sandbox-sdk';

const SERVER = process.env.SANDBOX_URL;
const patient = { baseUrl: SERVER, maxRetries: 10 };
const registration = await new StateSetSandboxExtended(patient).register({ email: `restart-${Date.now()}@example.com`, organization_name: 'Restart' });
const client = new StateSetSandboxExtended({ ...patient, authToken: registration.api_key.key });
const sandbox = await client.create({ template: 'python-basic' });
const id = sandbox.sandbox_id;
const process_ = await client.startProcess(id, { command: 'for i in $(seq 1 80); do echo line$i; sleep 0.25; done' });

const stop = new AbortController();
const numbers = [];
const seenSandboxes = new Set();
const events = (async () => {
  try {
    for await (const { number, event } of client.events({ lastEventId: '0' }, { signal: stop.signal })) {
      numbers.push(Number(number));
      seenSandboxes.add(`${event.event} ${event.sandboxId}`);
    }
  } catch (error) {
    if (!stop.signal.aborted) {
      throw error;
    }
  }
})();

let output = '';
let exit;
let command;
for await (const event of client.processOutput(id, process_.id)) {
  if (event.type === 'stdout') {
    output += event.data;
    if (!command) {
      writeFileSync(process.env.SDK_RESTART_MARKER, 'following\n');
      command = commandAcrossRestart();
      command.catch(() => undefined); // awaited below
    }
  } else {
    exit = event;
  }
}

async function commandAcrossRestart() {
  // Wait for the server to go, then send a command: it is retried until the server is back.
  for (;;) {
    const up = await fetch(`${SERVER}/health`).then(() => true, () => false);
    if (!up) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return client.execute(id, { command: 'echo ran-after-restart' });
}

assert.deepEqual(exit, { type: 'exit', exit_code: 0, signal: null });
assert.equal(output, Array.from({ length: 80 }, (_, i) => `line${i + 1}\n`).join(''), 'every line once, in order');
assert.equal((await command).stdout, 'ran-after-restart\n', 'the command sent while the server was down ran');

const after = await client.create({ template: 'python-basic' });
for (let i = 0; !seenSandboxes.has(`sandbox.created ${after.sandbox_id}`) && i < 600; i++) {
  await new Promise((resolve) => setTimeout(resolve, 100));
}
stop.abort();
await events;
assert.ok(seenSandboxes.has(`sandbox.created ${id}`), 'an event from before the restart');
assert.ok(seenSandboxes.has(`sandbox.created ${after.sandbox_id}`), 'an event from after the restart');
assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), 'in order');
assert.equal(new Set(numbers).size, numbers.length, 'none twice');
await client.delete(after.sandbox_id);
await client.delete(id);
console.log(`across the restart: ${output.length} bytes of output whole, ${numbers.length} events, none repeated`);
