import { StateSetSandboxExtended } from '@stateset/sandbox-sdk';
const client = new StateSetSandboxExtended({
baseUrl: 'https://api.sandbox.stateset.app',
authToken: 'sk-sandbox-xxxxxxxxxxxx'
});
// Save current state
const checkpoint = await client.createCheckpoint(sandbox.sandbox_id, {
name: 'after-npm-install',
description: 'All dependencies installed'
});
console.log(`Checkpoint created: ${checkpoint.id}`);
// Later: Restore to that state (same sandbox)
await client.restoreCheckpoint(sandbox.sandbox_id, checkpoint.id, {
restore_files: true,
restore_env: true,
overwrite: true
});
// Clone a checkpoint
const cloned = await client.cloneCheckpoint(checkpoint.id, 'feature-branch-base');
// Compare checkpoints
const diff = await client.compareCheckpoints(
checkpoint1.id,
checkpoint2.id
);
