package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.AuditEventView;
import com.stateset.sandbox.api.AuditSummaryView;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.Scopes;
import com.stateset.sandbox.server.core.AuditLog;
import com.stateset.sandbox.server.core.AuditQuery;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * The audit rows of API.md's "Usage, plans, audit" table. The log shows what every key of the
 * organization did and from where, so listing it takes {@code admin}; a sandbox's summary holds
 * only counts of calls on a sandbox the caller can already read, so {@code sandbox:read} suffices.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public final class AuditResource {

    private final AuditLog audit;

    public AuditResource(AuditLog audit) {
        this.audit = requireNonNull(audit, "audit is null");
    }

    @GET
    @Path("/audit")
    @RolesAllowed(Scopes.ADMIN)
    public AuditEventView.Listing list(@Auth Caller caller, @QueryParam("sandbox_id") String sandboxId,
            @QueryParam("action") String action, @QueryParam("outcome") String outcome,
            @QueryParam("start_time") String startTime, @QueryParam("end_time") String endTime,
            @QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        return audit.search(caller, AuditQuery.parse(sandboxId, action, outcome, startTime, endTime, limit, offset));
    }

    @GET
    @Path("/sandbox/{id}/audit/summary")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public AuditSummaryView summary(@Auth Caller caller, @PathParam("id") String sandboxId) {
        return audit.summary(caller, sandboxId);
    }
}
