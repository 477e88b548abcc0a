package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.CheckpointRequests;
import com.stateset.sandbox.api.CheckpointView;
import com.stateset.sandbox.api.Success;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.Scopes;
import com.stateset.sandbox.server.core.CheckpointService;
import com.stateset.sandbox.server.http.Audited;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** The Checkpoints table of the API. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class CheckpointResource {

    private final CheckpointService checkpoints;

    public CheckpointResource(CheckpointService checkpoints) {
        this.checkpoints = requireNonNull(checkpoints, "checkpoints is null");
    }

    @GET
    @Path("/checkpoints")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public CheckpointView.Listing list(@Auth Caller caller, @QueryParam("sandbox_id") String sandboxId) {
        return checkpoints.list(caller, sandboxId);
    }

    @GET
    @Path("/checkpoints/{id}")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public CheckpointView get(@Auth Caller caller, @PathParam("id") String id) {
        return checkpoints.get(caller, id);
    }

    @POST
    @Path("/sandbox/{id}/checkpoints")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("checkpoint.create")
    public CheckpointView create(@Auth Caller caller, @PathParam("id") String sandboxId, CheckpointRequests.Create request) {
        return checkpoints.create(caller, sandboxId, request);
    }

    @POST
    @Path("/sandbox/{id}/checkpoints/restore")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("checkpoint.restore")
    public CheckpointView.Restored restore(@Auth Caller caller, @PathParam("id") String sandboxId, CheckpointRequests.Restore request) {
        return checkpoints.restore(caller, sandboxId, request);
    }

    @POST
    @Path("/checkpoints/{id}/clone")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("checkpoint.clone")
    public CheckpointView copy(@Auth Caller caller, @PathParam("id") String id, CheckpointRequests.Clone request) {
        return checkpoints.copy(caller, id, request);
    }

    @POST
    @Path("/checkpoints/compare")
    @RolesAllowed(Scopes.SANDBOX_READ)
    @Audited("checkpoint.compare")
    public CheckpointView.Comparison compare(@Auth Caller caller, CheckpointRequests.Compare request) {
        return checkpoints.compare(caller, request);
    }

    @DELETE
    @Path("/checkpoints/{id}")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("checkpoint.delete")
    public Success delete(@Auth Caller caller, @PathParam("id") String id) {
        checkpoints.delete(caller, id);
        return Success.OK;
    }
}
