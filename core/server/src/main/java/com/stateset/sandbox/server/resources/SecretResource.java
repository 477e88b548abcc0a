package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.SecretRequests;
import com.stateset.sandbox.api.SecretView;
import com.stateset.sandbox.api.Success;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.Scopes;
import com.stateset.sandbox.server.core.SecretService;
import com.stateset.sandbox.server.http.Audited;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The Secrets table of the API. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class SecretResource {

    private final SecretService secrets;

    public SecretResource(SecretService secrets) {
        this.secrets = requireNonNull(secrets, "secrets is null");
    }

    @GET
    @Path("/secrets")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public SecretView.Listing list(@Auth Caller caller) {
        return secrets.list(caller);
    }

    @POST
    @Path("/secrets")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("secret.create")
    public SecretView.One create(@Auth Caller caller, SecretRequests.Create request) {
        return secrets.create(caller, request);
    }

    @PUT
    @Path("/secrets/{name}")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("secret.update")
    public SecretView.One update(@Auth Caller caller, @PathParam("name") String name, SecretRequests.Update request) {
        return secrets.update(caller, name, request);
    }

    @DELETE
    @Path("/secrets/{name}")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("secret.delete")
    public Success delete(@Auth Caller caller, @PathParam("name") String name) {
        secrets.delete(caller, name);
        return Success.OK;
    }

    @POST
    @Path("/sandbox/{id}/secrets/inject")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("secret.inject")
    public SecretView.Injected inject(@Auth Caller caller, @PathParam("id") String sandboxId,
            SecretRequests.Inject request) {
        return secrets.inject(caller, sandboxId, request);
    }
}
