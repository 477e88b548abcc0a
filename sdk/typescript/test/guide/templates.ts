import { StateSetSandboxExtended } from '@stateset/sandbox-sdk';
const client = new StateSetSandboxExtended({
baseUrl: 'https://api.sandbox.stateset.app',
authToken: 'sk-sandbox-xxxxxxxxxxxx'
});
// List available templates
const templates = await client.listTemplates();
// Create from template
const sandbox = await client.createFromTemplate('python-data-science', {
timeout_seconds: 600,
env: {
DATASET_URL: 'https://example.com/data.csv'
}
});
