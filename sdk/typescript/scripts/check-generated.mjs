// Fails when src/generated/openapi.ts is not what docs/openapi.yaml generates (run `npm run generate`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = 'node_modules/openapi-typescript/bin/cli.js';
const fresh = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'openapi.ts');
execFileSync(process.execPath, [cli, '../../docs/openapi.yaml', '-o', fresh], { stdio: 'pipe' });
if (readFileSync(fresh, 'utf8') !== readFileSync('src/generated/openapi.ts', 'utf8')) {
  console.error('src/generated/openapi.ts is out of date with docs/openapi.yaml: run `npm run generate` in sdk/typescript');
  process.exit(1);
}
console.log('src/generated/openapi.ts matches docs/openapi.yaml');
