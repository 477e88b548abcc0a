package com.stateset.sandbox.server.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.ErrorResponse;
import com.stateset.sandbox.api.RegisterResponse;
import com.stateset.sandbox.api.SandboxView;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.core.AuditLog;
import com.stateset.sandbox.server.model.AuditRecord;
import com.stateset.sandbox.server.model.Ids;
import jakarta.annotation.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import java.lang.reflect.Method;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an audit event for every call of an {@link Audited} resource method, successful or not.
 *
 * <p>What is recorded: the calls that reach an audited operation with a valid credential, including
 * those then refused (403 for a scope or an {@code X-Org-Id} that is not the caller's, 400 bad
 * input, 404, 409 ...), and successful registrations, filed under the new organization. Not
 * recorded: calls without a valid credential (401) and failed registrations, which have no
 * organization to file them under and would let anyone fill the log; calls refused by the rate
 * limit ({@code RATE_LIMITED}), because a row per refused call would undo the protection the limit
 * gives; calls refused before they reach the API (a route that does not exist, a declared body over
 * {@code limits.maxRequestSize}).
 *
 * <p>The event: {@code actor} is the API key id ({@code jwt:<subject>} for a bearer token, the new
 * user for a registration); {@code sandbox_id} is the {@code {id}} of {@code /sandbox/{id}/...}
 * routes, or the new sandbox of {@code sandbox.create}, and empty for calls addressed to a
 * checkpoint, artifact or key, whose id is in {@code resource} (the request path below
 * {@code /api/v1}); {@code outcome} follows the HTTP status (a command that exits non-zero is a
 * successful call, its exit code is in the details); a failure keeps {@code CODE: message} of the
 * error answer, but a validation error only its code and field, since those messages may quote the
 * caller's input. {@code client_ip} is the connection's remote address: a client-sent
 * {@code X-Forwarded-For} is trivially forged, so it counts only where the operator puts a trusted
 * proxy in front and sets {@code useForwardedHeaders: true} on the connector, which makes Jetty
 * report the forwarded address. {@code duration} runs from the call's arrival at the API (before
 * authentication) to its answer; for a streamed command, to the start of the stream.
 *
 * <p>The event is written in the request thread, before the answer is sent, rather than queued for
 * a background writer: an answered call is in the log, a crash loses nothing that was answered, and
 * there is no queue to size or drain. The cost is an insert and a primary-key lookup of the
 * sandbox's session, small beside what audited calls already do (database writes, a round trip to
 * the runtime). A failed write is logged and never fails the call. Timing starts before
 * authentication (hence the priority), so that the duration covers it.
 */
@Priority(Priorities.AUTHENTICATION - 100)
public final class AuditFilter implements ContainerRequestFilter, ContainerResponseFilter {

    private static final Logger LOG = LoggerFactory.getLogger(AuditFilter.class);
    private static final String STARTED = AuditFilter.class.getName() + ".started";
    private static final String API_BASE = "api/v1";
    private static final int MAX_DETAILS = 10_000;

    private final AuditLog log;
    private final Clock clock;
    private final ObjectMapper mapper;

    @Context
    private ResourceInfo resourceInfo;

    @Context
    private HttpServletRequest servletRequest;

    public AuditFilter(AuditLog log, Clock clock, ObjectMapper mapper) {
        this.log = requireNonNull(log, "log is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.mapper = requireNonNull(mapper, "mapper is null");
    }

    private record Started(long at, long nanos) {
    }

    /** Who an event is filed under. */
    private record Actor(String orgId, String userId, String name, String keyId) {
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (audited() != null) {
            request.setProperty(STARTED, new Started(clock.millis(), System.nanoTime()));
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Audited audited = audited();
        if (audited == null || !(request.getProperty(STARTED) instanceof Started started)) {
            return;
        }
        try {
            AuditRecord event = event(audited.value(), started, request, response);
            if (event != null) {
                log.append(event);
            }
        } catch (RuntimeException e) {
            LOG.error("request {}: the audit event of {} was not written", RequestIds.current(), audited.value(), e);
        }
    }

    private AuditRecord event(String action, Started started, ContainerRequestContext request,
            ContainerResponseContext response) {
        Object entity = response.getEntity();
        ErrorResponse.Error error = entity instanceof ErrorResponse answer ? answer.error() : null;
        Actor actor = actor(request, entity);
        if (actor == null || error != null && ErrorCodes.RATE_LIMITED.equals(error.code())) {
            return null;
        }
        String path = path(request);
        String sandboxId = sandboxId(request, path, entity);
        int status = response.getStatus();
        String outcome = status < 400 ? AuditRecord.SUCCESS : AuditRecord.FAILURE;
        long durationMs = (System.nanoTime() - started.nanos()) / 1_000_000;
        // Clipped to the columns: ids and paths come from the client and may be any length.
        return new AuditRecord(Ids.newId("aud"), started.at(), actor.orgId(), AuditDetails.clip(actor.userId(), 64),
                AuditDetails.clip(actor.name(), 200), actor.keyId(), AuditDetails.clip(sandboxId, 64), "", action,
                AuditDetails.clip(path, 1000), details(request, entity), outcome, status, errorMessage(status, error),
                durationMs, RequestIds.current(), AuditDetails.clip(servletRequest.getRemoteAddr(), 64));
    }

    private static Actor actor(ContainerRequestContext request, Object entity) {
        if (request.getSecurityContext().getUserPrincipal() instanceof Caller caller) {
            return new Actor(caller.orgId(), caller.userId(), caller.subject(), caller.keyId());
        }
        if (entity instanceof RegisterResponse registered) {
            return new Actor(registered.organization().id(), registered.user().id(), registered.user().id(), null);
        }
        return null;
    }

    /** The request path below {@code /api/v1}, without the query. */
    private static String path(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        path = path.startsWith("/") ? path.substring(1) : path;
        return path.startsWith(API_BASE) ? path.substring(API_BASE.length()) : "/" + path;
    }

    private static String sandboxId(ContainerRequestContext request, String path, Object entity) {
        String id = request.getUriInfo().getPathParameters().getFirst("id");
        if (id != null && path.startsWith("/sandbox/")) {
            return id;
        }
        return entity instanceof SandboxView created ? created.id() : "";
    }

    private String details(ContainerRequestContext request, Object entity) {
        Map<String, Object> details = AuditDetails.of(entity);
        // A file read names its file in the query, so that a refused read names it too.
        String file = request.getUriInfo().getQueryParameters().getFirst("path");
        if (file != null) {
            details.putIfAbsent("path", AuditDetails.clip(file));
        }
        try {
            String json = mapper.writeValueAsString(details);
            return json.length() <= MAX_DETAILS ? json : "{\"truncated\":true}";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit details are not serializable", e);
        }
    }

    private static String errorMessage(int status, ErrorResponse.Error error) {
        if (status < 400) {
            return null;
        }
        if (error == null) {
            return "HTTP " + status;
        }
        if (ErrorCodes.VALIDATION_ERROR.equals(error.code()) || ErrorCodes.PAYLOAD_TOO_LARGE.equals(error.code())) {
            Object field = error.details() == null ? null : error.details().get("field");
            return field == null ? error.code() : error.code() + " (field " + AuditDetails.clip(field.toString()) + ")";
        }
        return AuditDetails.clip(error.code() + ": " + error.message(), 1000);
    }

    private Audited audited() {
        Method method = resourceInfo.getResourceMethod();
        return method == null ? null : method.getAnnotation(Audited.class);
    }
}
