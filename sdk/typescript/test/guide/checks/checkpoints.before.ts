import { StateSetSandboxExtended as Setup } from '@stateset/sandbox-sdk';
const setup = new Setup({ baseUrl: process.env.SANDBOX_URL!, authToken: process.env.SANDBOX_API_KEY! });
const sandbox = await setup.create({ template: 'node-basic' });
await setup.writeFiles(sandbox.sandbox_id, [{ path: 'package.json', content: '{"name":"app"}' }]);
const checkpoint1 = await setup.createCheckpoint(sandbox.sandbox_id, { name: 'before-install' });
await setup.writeFiles(sandbox.sandbox_id, [{ path: 'node_modules/left-pad/index.js', content: 'module.exports = 1;' }]);
const checkpoint2 = await setup.createCheckpoint(sandbox.sandbox_id, { name: 'after-install' });
