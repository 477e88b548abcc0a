// Runs every test: the unit tests, then the live tests against the server at SANDBOX_URL (which they
// need: without it this fails rather than skip them). Node.js 20 needs a flag for the global
// WebSocket the terminal test uses; 22 has it.
import { spawnSync } from 'node:child_process';

if (!process.env.SANDBOX_URL) {
  console.error('SANDBOX_URL must name a running server (e.g. http://127.0.0.1:8080); `npm run test:unit` needs none');
  process.exit(2);
}
const flags = typeof WebSocket === 'function' ? [] : ['--experimental-websocket'];
const { status } = spawnSync(process.execPath, [...flags, '--test', '--test-concurrency=1', 'test/unit/', 'test/live/'],
    { stdio: 'inherit' });
process.exit(status ?? 1);
