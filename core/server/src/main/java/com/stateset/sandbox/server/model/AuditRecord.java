package com.stateset.sandbox.server.model;

/**
 * One audit event as stored. {@code sandboxId} and {@code sessionId} are empty, never null, when
 * the call concerns no sandbox; {@code details} is a small JSON object of facts safe to keep (never
 * request bodies, environment values, file contents or keys).
 *
 * @param occurredAt when the call arrived, epoch ms
 * @param actor who called: the API key id, {@code jwt:<subject>} for a bearer token, or the new
 *     user for a registration
 * @param outcome {@code success} (HTTP status below 400) or {@code failure}
 * @param status the HTTP status of the answer
 * @param errorMessage {@code CODE: message} of a failure, null on success
 * @param durationMs server time from the call's arrival to its answer
 */
public record AuditRecord(
        String id,
        long occurredAt,
        String orgId,
        String userId,
        String actor,
        String apiKeyId,
        String sandboxId,
        String sessionId,
        String action,
        String resource,
        String details,
        String outcome,
        int status,
        String errorMessage,
        long durationMs,
        String requestId,
        String clientIp) {

    public static final String SUCCESS = "success";
    public static final String FAILURE = "failure";

    public AuditRecord withSessionId(String session) {
        return new AuditRecord(id, occurredAt, orgId, userId, actor, apiKeyId, sandboxId, session, action, resource, details,
                outcome, status, errorMessage, durationMs, requestId, clientIp);
    }
}
