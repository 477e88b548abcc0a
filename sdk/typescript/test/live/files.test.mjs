import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ConflictError, NotFoundError } from '@stateset/sandbox-sdk';
import { organizationWithSandbox } from './helpers.mjs';

let client;
let id;
before(async () => ({ client, id } = await organizationWithSandbox()));
after(() => client?.delete(id).catch(() => undefined));

test('writeFiles and readFile: text as UTF-8 and bytes as they are', async () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  const written = await client.writeFiles(id, [
    { path: '/workspace/hello.txt', content: 'grüße, ✓\n' },
    { path: 'data/bytes.bin', content: bytes },
  ]);
  assert.deepEqual(written.files.map((f) => [f.path, f.size]), [['/workspace/hello.txt', 13], ['/workspace/data/bytes.bin', 256]]);
  assert.equal(await client.readFile(id, '/workspace/hello.txt'), 'grüße, ✓\n');
  assert.deepEqual(await client.readFileBytes(id, 'data/bytes.bin'), bytes);
  await assert.rejects(client.readFile(id, 'nothing.txt'), (e) => e instanceof NotFoundError && e.code === 'FILE_NOT_FOUND');
});

test('uploadFile and downloadFile stream raw bytes, from bytes or a Blob', async () => {
  const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7) & 0xff);
  const put = await client.uploadFile(id, 'raw/big.bin', big);
  assert.equal(put.size, big.length);
  assert.deepEqual(await client.downloadFile(id, 'raw/big.bin'), big);

  await client.uploadFile(id, 'raw/streamed.txt', new Blob(['streamed ', 'in ', 'pieces']));
  assert.equal(new TextDecoder().decode(await client.downloadFile(id, 'raw/streamed.txt')), 'streamed in pieces');
});

test('downloadArchive streams a directory as a tar', async () => {
  await client.writeFiles(id, [{ path: 'tree/a.txt', content: 'A' }, { path: 'tree/sub/b.txt', content: 'B' }]);
  const tar = new Uint8Array(await new Response(await client.downloadArchive(id, 'tree')).arrayBuffer());
  const names = [];
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0;) {
    const header = tar.subarray(at, at + 512);
    const name = new TextDecoder().decode(header.subarray(0, 100)).replace(/\0.*$/s, '');
    const size = parseInt(new TextDecoder().decode(header.subarray(124, 136)).replace(/\0.*$/s, '').trim() || '0', 8);
    names.push(name);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  assert.deepEqual(names.filter((n) => n.endsWith('.txt')).sort(), ['tree/a.txt', 'tree/sub/b.txt']);
});

test('list, glob, mkdir, move, copy and delete', async () => {
  await client.writeFiles(id, [{ path: 'ops/one.py', content: 'print(1)' }, { path: 'ops/two.js', content: '2' }]);
  const listed = await client.listFiles(id, 'ops');
  assert.equal(listed.path, '/workspace/ops');
  assert.deepEqual(listed.files.map((f) => f.name).sort(), ['one.py', 'two.js']);
  const globbed = await client.glob(id, 'ops/*.py');
  assert.deepEqual(globbed.files.map((f) => f.path), ['/workspace/ops/one.py']);

  assert.deepEqual(await client.mkdir(id, 'ops/deep/er'), { success: true, path: '/workspace/ops/deep/er' });
  await client.moveFile(id, 'ops/one.py', 'ops/deep/er/one.py');
  await client.copyFile(id, 'ops/deep', 'ops/copy');
  assert.equal(await client.readFile(id, 'ops/copy/er/one.py'), 'print(1)');
  await assert.rejects(client.copyFile(id, 'ops/deep', 'ops/copy'), (e) => e instanceof ConflictError && e.field === 'destination');
  await client.copyFile(id, 'ops/two.js', 'ops/copy/er/one.py', { overwrite: true });
  assert.equal(await client.readFile(id, 'ops/copy/er/one.py'), '2');

  await assert.rejects(client.deleteFile(id, 'ops/deep'), (e) => e.field === 'recursive');
  await client.deleteFile(id, 'ops/deep', { recursive: true });
  const recursive = await client.listFiles(id, 'ops', { recursive: true });
  assert.deepEqual(recursive.files.map((f) => f.path).sort(),
      ['/workspace/ops/copy', '/workspace/ops/copy/er', '/workspace/ops/copy/er/one.py', '/workspace/ops/two.js']);
});

test('watchFiles reports changes as they happen, until aborted', async () => {
  await client.mkdir(id, 'watched');
  const controller = new AbortController();
  const changes = [];
  const watching = (async () => {
    try {
      for await (const change of client.watchFiles(id, { path: 'watched', recursive: true }, { signal: controller.signal })) {
        changes.push(change);
        if (change.type === 'deleted') {
          controller.abort();
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) {
        throw error;
      }
    }
  })();
  // The watch starts when the stream opens: keep changing until it has seen a change.
  for (let i = 0; changes.length === 0 && i < 50; i++) {
    await client.execute(id, { command: `echo ${i} > watched/file.txt` });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await client.deleteFile(id, 'watched/file.txt');
  await watching;
  assert.ok(changes.some((c) => c.path === '/workspace/watched/file.txt' && (c.type === 'created' || c.type === 'modified')), JSON.stringify(changes));
  assert.equal(changes.at(-1).type, 'deleted');
  assert.equal(changes.at(-1).is_dir, false);
});
