import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readEvents } from '@stateset/sandbox-sdk';

/** A stream that delivers `text` in the given pieces, as a network would. */
function streamOf(...pieces) {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      pieces.forEach((piece) => controller.enqueue(typeof piece === 'string' ? encoder.encode(piece) : piece));
      controller.close();
    },
  });
}

async function all(stream) {
  const events = [];
  for await (const event of readEvents(stream)) {
    events.push(event);
  }
  return events;
}

test('events split anywhere across chunks, with every line ending, comments and multi-line data', async () => {
  const events = await all(streamOf('retry: 3000\n: connected\n\nid: 7\nevent: sandbox.re', 'ady\r\ndata: {"a":\r', '\ndata: 1}\r\r',
      'data: plain\n\n: keepalive\n\n'));
  assert.deepEqual(events, [
    { id: '7', event: 'sandbox.ready', data: '{"a":\n1}' },
    { id: '7', event: 'message', data: 'plain' },
  ]);
});

test('a character split between chunks comes whole; an event without its blank line is dropped', async () => {
  const bytes = new TextEncoder().encode('data: grüße ✓\n\ndata: cut');
  const events = await all(streamOf(bytes.subarray(0, 9), bytes.subarray(9, 16), bytes.subarray(16)));
  assert.deepEqual(events, [{ id: undefined, event: 'message', data: 'grüße ✓' }]);
});
