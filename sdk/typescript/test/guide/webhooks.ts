import { StateSetSandboxExtended } from '@stateset/sandbox-sdk';
const client = new StateSetSandboxExtended({
baseUrl: 'https://api.sandbox.stateset.app',
authToken: 'sk-sandbox-xxxxxxxxxxxx'
});
// Register webhook
const webhook = await client.createWebhook({
url: 'https://your-app.com/webhooks/sandbox',
events: [
'sandbox.created',
'sandbox.ready',
'sandbox.error',
'sandbox.stopped',
'command.completed',
'checkpoint.created'
],
secret: 'whsec_your_secret_key'
});
// Test webhook
const testResult = await client.testWebhook(webhook.id);
console.log(`Test successful: ${testResult.success}`);
// List webhook deliveries
const deliveries = await client.getWebhookDeliveries(webhook.id, 10);
import { createHmac } from 'crypto';
function verifyWebhook(payload: string, signature: string, secret: string): boolean {
const expected = createHmac('sha256', secret)
.update(payload)
.digest('hex');
return `sha256=${expected}` === signature;
}
