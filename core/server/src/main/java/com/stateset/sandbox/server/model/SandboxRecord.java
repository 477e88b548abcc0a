package com.stateset.sandbox.server.model;

/**
 * A sandbox row: desired and last known state. {@code env} and {@code metadata} are JSON objects;
 * {@code egressBytes} is what its runtime last counted as sent to the network; {@code isolation} is
 * one of the runtime's isolations (null for a sandbox made before isolation was recorded).
 */
public record SandboxRecord(
        String id,
        String orgId,
        String sessionId,
        String status,
        String template,
        String image,
        String cpus,
        String memory,
        long cpuMillis,
        long memoryBytes,
        boolean network,
        String env,
        String metadata,
        String podIp,
        String statusReason,
        Long startupMs,
        long createdAt,
        Long startedAt,
        long expiresAt,
        Long endedAt,
        Long deletedAt,
        long egressBytes,
        String isolation) {

    public SandboxStatus sandboxStatus() {
        return SandboxStatus.of(status);
    }
}
