import assert from 'node:assert/strict';
assert.ok(templates.some((template) => template.id === 'python-data-science'));
assert.equal(sandbox.template, 'python-data-science');
const analysis = await client.execute(sandbox.sandbox_id, {
  command: ['python3', '-c', 'import os, pandas; print(pandas.DataFrame({"a": [1, 2]})["a"].sum(), os.environ["DATASET_URL"])'],
});
assert.equal(analysis.stdout, '3 https://example.com/data.csv\n');
await client.stop(sandbox.sandbox_id);
