import assert from 'node:assert/strict';
import { createServer } from 'node:http';
assert.equal(webhook.secret, 'whsec_your_secret_key');
assert.equal(typeof testResult.success, 'boolean');
assert.ok(Array.isArray(deliveries));
await client.deleteWebhook(webhook.id);

// The guide's verifyWebhook, on what a real receiver gets.
const received: { body: string; signature: string }[] = [];
const receiver = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => { body += chunk; });
  request.on('end', () => {
    received.push({ body, signature: String(request.headers['x-sandbox-signature']) });
    response.end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const port = (receiver.address() as { port: number }).port;
const hook = await client.createWebhook({ url: `http://127.0.0.1:${port}/hook`, secret: 'whsec_guide_check_0123' });
assert.equal((await client.testWebhook(hook.id)).success, true);
assert.equal(verifyWebhook(received[0].body, received[0].signature, 'whsec_guide_check_0123'), true);
assert.equal(verifyWebhook(received[0].body + ' ', received[0].signature, 'whsec_guide_check_0123'), false);
await client.deleteWebhook(hook.id);
receiver.close();
