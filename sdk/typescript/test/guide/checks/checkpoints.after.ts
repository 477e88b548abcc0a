import assert from 'node:assert/strict';
assert.equal(checkpoint.name, 'after-npm-install');
assert.equal(cloned.name, 'feature-branch-base');
assert.equal(cloned.checksum, checkpoint.checksum);
assert.ok(diff.added.includes('node_modules/left-pad/index.js'), JSON.stringify(diff));
assert.deepEqual(diff.removed, []);
for (const id of [checkpoint.id, cloned.id, checkpoint1.id, checkpoint2.id]) {
  await setup.deleteCheckpoint(id);
}
await setup.stop(sandbox.sandbox_id);
