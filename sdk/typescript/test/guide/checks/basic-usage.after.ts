import assert from 'node:assert/strict';
assert.equal(result.stdout, 'Hello from sandbox!\n');
assert.equal(result.exit_code, 0);
assert.equal(content, 'console.log("app");');
assert.equal((await client.get(sandbox.sandbox_id)).status, 'terminated');
