import { StateSetSandbox } from '@stateset/sandbox-sdk';
// Initialize client
const client = new StateSetSandbox({
baseUrl: 'https://api.sandbox.stateset.app',
authToken: 'sk-sandbox-xxxxxxxxxxxx'
});
// Create a sandbox
const sandbox = await client.create({
timeout_seconds: 300, // 5 minutes
cpus: '1', // 1 vCPU
memory: '1Gi', // 1GB RAM
env: {
NODE_ENV: 'production'
}
});
console.log(`Sandbox created: ${sandbox.sandbox_id}`);
console.log(`Expires at: ${sandbox.expires_at}`);
// Execute commands
const result = await client.execute(sandbox.sandbox_id, {
command: ['node', '-e', 'console.log("Hello from sandbox!")']
});
console.log(result.stdout); // "Hello from sandbox!"
console.log(result.exit_code); // 0
// Write files
await client.writeFiles(sandbox.sandbox_id, [
{ path: '/workspace/app.js', content: 'console.log("app");' }
]);
// Read files
const content = await client.readFile(sandbox.sandbox_id, '/workspace/app.js');
// Stop sandbox when done
await client.stop(sandbox.sandbox_id);
