package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.UsageView;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.Scopes;
import com.stateset.sandbox.server.core.UsageService;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** Usage and estimated cost of the organization's sandboxes. */
@Path("/api/v1/usage")
@Produces(MediaType.APPLICATION_JSON)
public final class UsageResource {

    private final UsageService usage;

    public UsageResource(UsageService usage) {
        this.usage = requireNonNull(usage, "usage is null");
    }

    @GET
    @Path("/current")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public UsageView.Current current(@Auth Caller caller) {
        return usage.current(caller);
    }

    @GET
    @Path("/history")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public UsageView.History history(@Auth Caller caller, @QueryParam("granularity") String granularity,
            @QueryParam("start_date") String startDate, @QueryParam("end_date") String endDate) {
        return usage.history(caller, granularity, startDate, endDate);
    }

    @GET
    @Path("/sandboxes")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public UsageView.BySandbox bySandbox(@Auth Caller caller, @QueryParam("start_date") String startDate,
            @QueryParam("end_date") String endDate) {
        return usage.bySandbox(caller, startDate, endDate);
    }
}
