import { StateSetSandboxExtended as Setup } from '@stateset/sandbox-sdk';
const setup = new Setup({ baseUrl: process.env.SANDBOX_URL!, authToken: process.env.SANDBOX_API_KEY! });
const sandbox = await setup.create({ template: 'python-basic' });
const report = new TextEncoder().encode('%PDF-1.4\n% a report\n%%EOF\n');
await setup.writeFiles(sandbox.sandbox_id, [{ path: '/workspace/output/report.pdf', content: report }]);
