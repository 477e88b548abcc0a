import assert from 'node:assert/strict';
assert.equal(artifact.content_type, 'application/pdf');
assert.equal(artifact.remote_path, 'reports/2024/report.pdf');
assert.deepEqual(await setup.readFileBytes(sandbox.sandbox_id, '/workspace/downloads/report.pdf'), report);
const fetched = await fetch(new URL(url, process.env.SANDBOX_URL));
assert.equal(fetched.status, 200);
assert.deepEqual(new Uint8Array(await fetched.arrayBuffer()), report);
await setup.deleteArtifact(artifact.id);
await setup.stop(sandbox.sandbox_id);
