import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ConflictError, NotFoundError } from '@stateset/sandbox-sdk';
import { organizationWithSandbox, take } from './helpers.mjs';

let client;
let id;
before(async () => ({ client, id } = await organizationWithSandbox()));
after(() => client?.delete(id).catch(() => undefined));

test('a background process: started, listed, its output followed to its exit, and from an offset', async () => {
  const process = await client.startProcess(id, { command: 'for i in 1 2 3; do echo line$i; sleep 0.2; done; echo err >&2; exit 4' });
  assert.match(process.id, /^proc_[0-9a-f]{12}$/);
  assert.equal(process.status, 'running');
  assert.ok((await client.listProcesses(id)).some((p) => p.id === process.id));

  const events = await take(client.processOutput(id, process.id), () => false);
  const output = events.filter((e) => e.type === 'stdout' || e.type === 'stderr');
  assert.equal(output.map((e) => e.data).join(''), 'line1\nline2\nline3\nerr\n');
  assert.deepEqual(events.at(-1), { type: 'exit', exit_code: 4, signal: null });
  assert.deepEqual(output[0].bytes, new TextEncoder().encode(output[0].data));

  const fromSix = await take(client.processOutput(id, process.id, { offset: 6 }), () => false);
  assert.equal(fromSix.filter((e) => e.data !== undefined).map((e) => e.data).join(''), 'line2\nline3\nerr\n');
  assert.equal(fromSix[0].offset, 6);

  const done = await client.waitProcess(id, process.id, 5);
  assert.equal(done.status, 'exited');
  assert.equal(done.exit_code, 4);
  assert.equal(done.output_end, 22);
  assert.equal((await client.getProcess(id, process.id)).exit_code, 4);
  await client.removeProcess(id, process.id);
  await assert.rejects(client.getProcess(id, process.id), (e) => e instanceof NotFoundError && e.code === 'PROCESS_NOT_FOUND');
});

test('input, end of input, signals, a terminal and its size', async () => {
  const cat = await client.startProcess(id, { command: ['cat'] });
  await client.sendProcessInput(id, cat.id, 'typed\n');
  await client.sendProcessInput(id, cat.id, 'last', { eof: true });
  assert.equal((await client.waitProcess(id, cat.id, 10)).exit_code, 0);
  const echoed = await take(client.processOutput(id, cat.id), () => false);
  assert.equal(echoed.filter((e) => e.type === 'stdout').map((e) => e.data).join(''), 'typed\nlast');

  const sleeper = await client.startProcess(id, { command: 'sleep 60' });
  await client.signalProcess(id, sleeper.id, 'TERM');
  const ended = await client.waitProcess(id, sleeper.id, 10);
  assert.equal(ended.signal, 15);
  assert.equal(ended.exit_code, 143);
  await assert.rejects(client.signalProcess(id, sleeper.id, 'KILL'), ConflictError, 'an exited process is not signalled');

  const tty = await client.startProcess(id, { command: 'read line; stty size', pty: true, cols: 80, rows: 24 });
  await client.resizeProcess(id, tty.id, 132, 43);
  await client.sendProcessInput(id, tty.id, 'go\n');
  await client.waitProcess(id, tty.id, 10);
  const screen = (await take(client.processOutput(id, tty.id), () => false)).filter((e) => e.type === 'stdout').map((e) => e.data).join('');
  assert.match(screen, /43 132/);
});

test('an interactive terminal over a WebSocket: typed input, output and the exit code', async () => {
  assert.equal(typeof globalThis.WebSocket, 'function', 'run with a WebSocket (Node.js 22, or 20 with --experimental-websocket)');
  const terminal = await client.openTerminal(id, { command: ['bash', '-l'], cols: 100, rows: 30 });
  let screen = '';
  const decoder = new TextDecoder();
  terminal.onData((bytes) => { screen += decoder.decode(bytes, { stream: true }); });
  terminal.resize(120, 40);
  terminal.write('stty size; echo "sum=$((20+22))"; exit 7\n');
  assert.equal(await terminal.exited, 7);
  assert.match(screen, /40 120/);
  assert.match(screen, /sum=42/);

  const ticket = await client.terminalTicket(id);
  assert.match(ticket.ticket, /^tkt_/);
  assert.equal(ticket.expires_in_seconds, 30);
});

test('a persistent interpreter keeps its state from one cell to the next', async () => {
  const session = await client.createReplSession(id, 'python');
  assert.equal(session.status, 'idle');
  const first = await client.runCell(id, session.id, 'x = 40\nprint("set")');
  assert.equal(first.status, 'ok');
  assert.equal(first.output, 'set\n');
  const second = await client.runCell(id, session.id, 'x + 2');
  assert.deepEqual(second.result, { 'text/plain': '42' });
  const failed = await client.runCell(id, session.id, 'undefined_name');
  assert.equal(failed.status, 'error');
  assert.equal(failed.exception.ename, 'NameError');

  const slow = client.runCell(id, session.id, 'import time\ntime.sleep(30)');
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal((await client.interruptRepl(id, session.id)).success, true);
  assert.equal((await slow).exception.ename, 'KeyboardInterrupt');

  assert.equal((await client.getReplSession(id, session.id)).execution_count, 4);
  assert.deepEqual((await client.listReplSessions(id)).map((s) => s.id), [session.id]);
  await client.deleteReplSession(id, session.id);
  assert.equal((await client.getReplSession(id, session.id)).status, 'ended');
});
