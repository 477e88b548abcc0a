// The product guide's TypeScript examples, pasted as they stand (test/guide/*.ts), compiled with
// strict type checking against this package's types and run against the server. The guide writes
// its examples as fragments of one session: a fragment uses the `sandbox` (and, for the comparison,
// the `checkpoint1` and `checkpoint2`) of the text before it. test/guide/checks/<name>.before.ts
// makes those, and <name>.after.ts checks what the example did; the only change to the guide's text
// is its placeholder server and key, replaced by the server under test and a new organization's key.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { before, test } from 'node:test';
import { SERVER, newOrganization } from './helpers.mjs';

const run = promisify(execFile);
const GUIDE = 'test/guide';
const BUILD = '.guide-build';
const EXAMPLES = ['basic-usage', 'checkpoints', 'artifacts', 'webhooks', 'templates'];
let key;

before(async () => {
  ({ key } = await newOrganization());
  rmSync(BUILD, { recursive: true, force: true });
  mkdirSync(BUILD);
  for (const name of EXAMPLES) {
    const example = readFileSync(join(GUIDE, `${name}.ts`), 'utf8');
    assert.equal(example.split("'https://api.sandbox.stateset.app'").length, 2, `${name}: the guide's server, once`);
    assert.equal(example.split("'sk-sandbox-xxxxxxxxxxxx'").length, 2, `${name}: the guide's key, once`);
    const pasted = example
      .replace("'https://api.sandbox.stateset.app'", JSON.stringify(SERVER))
      .replace("'sk-sandbox-xxxxxxxxxxxx'", JSON.stringify(key));
    const part = (suffix) => {
      const file = join(GUIDE, 'checks', `${name}.${suffix}.ts`);
      return existsSync(file) ? readFileSync(file, 'utf8') : '';
    };
    writeFileSync(join(BUILD, `${name}.ts`), `${part('before')}\n${pasted}\n${part('after')}\nexport {};\n`);
  }
  writeFileSync(join(BUILD, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'ES2022', moduleResolution: 'Bundler', strict: true, noEmitOnError: true,
      types: ['node'], outDir: 'out', rootDir: '.', skipLibCheck: true,
    },
    include: ['*.ts'],
  }));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await run(process.execPath, [tsc, '-p', join(BUILD, 'tsconfig.json')]).catch((error) => {
    assert.fail(`the guide's examples do not compile against the SDK's types:\n${error.stdout}${error.stderr}`);
  });
});

for (const name of EXAMPLES) {
  test(`the guide's ${name} example runs as written`, async () => {
    const { stdout } = await run(process.execPath, [join(BUILD, 'out', `${name}.js`)], {
      env: { ...process.env, SANDBOX_URL: SERVER, SANDBOX_API_KEY: key },
      timeout: 240_000,
    }).catch((error) => assert.fail(`${name} failed:\n${error.stdout}${error.stderr}`));
    if (name === 'basic-usage') {
      assert.match(stdout, /^Sandbox created: sbx_\w+\nExpires at: \S+\nHello from sandbox!\n\n0\n$/);
    }
  });
}
