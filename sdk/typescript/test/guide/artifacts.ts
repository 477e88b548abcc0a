import { StateSetSandboxExtended } from '@stateset/sandbox-sdk';
const client = new StateSetSandboxExtended({
baseUrl: 'https://api.sandbox.stateset.app',
authToken: 'sk-sandbox-xxxxxxxxxxxx'
});
// Upload file from sandbox to cloud storage
const artifact = await client.uploadArtifact(sandbox.sandbox_id, {
path: '/workspace/output/report.pdf',
remote_path: 'reports/2024/report.pdf', // stored under artifacts/<organization-id>/...
content_type: 'application/pdf',
expires_in: 86400 * 7 // 7 days
});
// Download artifact to sandbox
await client.downloadArtifact(
sandbox.sandbox_id,
artifact.id,
'/workspace/downloads/report.pdf'
);
// Get presigned URL for direct download
const { url } = await client.getArtifactUrl(artifact.id, 3600);
console.log(`Artifact URL: ${url}`);
