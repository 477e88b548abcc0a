package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.ArtifactRequests;
import com.stateset.sandbox.api.ArtifactView;
import com.stateset.sandbox.api.Success;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.Scopes;
import com.stateset.sandbox.server.core.ArtifactService;
import com.stateset.sandbox.server.errors.DomainException;
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

/** The Artifacts table of the API. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class ArtifactResource {

    private final ArtifactService artifacts;

    public ArtifactResource(ArtifactService artifacts) {
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
    }

    @GET
    @Path("/artifacts")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public ArtifactView.Listing list(@Auth Caller caller, @QueryParam("sandbox_id") String sandboxId) {
        return artifacts.list(caller, sandboxId);
    }

    @GET
    @Path("/artifacts/{id}")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public ArtifactView get(@Auth Caller caller, @PathParam("id") String id) {
        return artifacts.get(caller, id);
    }

    @GET
    @Path("/artifacts/{id}/url")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public ArtifactView.Url url(@Auth Caller caller, @PathParam("id") String id, @QueryParam("expires_in") String expiresIn) {
        return artifacts.url(caller, id, seconds(expiresIn));
    }

    @POST
    @Path("/sandbox/{id}/artifacts/upload")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("artifact.upload")
    public ArtifactView upload(@Auth Caller caller, @PathParam("id") String sandboxId, ArtifactRequests.Upload request) {
        return artifacts.upload(caller, sandboxId, request);
    }

    @POST
    @Path("/sandbox/{id}/artifacts/download")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("artifact.download")
    public ArtifactView.Downloaded download(@Auth Caller caller, @PathParam("id") String sandboxId,
            ArtifactRequests.Download request) {
        return artifacts.download(caller, sandboxId, request);
    }

    @DELETE
    @Path("/artifacts/{id}")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("artifact.delete")
    public Success delete(@Auth Caller caller, @PathParam("id") String id) {
        artifacts.delete(caller, id);
        return Success.OK;
    }

    private static Long seconds(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw DomainException.validation("expires_in", "must be a whole number of seconds");
        }
    }
}
