package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.ApiKeyView;
import com.stateset.sandbox.api.CreateApiKeyRequest;
import com.stateset.sandbox.api.Success;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.Scopes;
import com.stateset.sandbox.server.core.ApiKeyService;
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
import jakarta.ws.rs.core.MediaType;

@Path("/api/v1/api-keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Scopes.ADMIN)
public final class ApiKeyResource {

    private final ApiKeyService keys;

    public ApiKeyResource(ApiKeyService keys) {
        this.keys = requireNonNull(keys, "keys is null");
    }

    @GET
    public ApiKeyView.Listing list(@Auth Caller caller) {
        return keys.list(caller);
    }

    @POST
    @Audited("apikey.create")
    public ApiKeyView.Created create(@Auth Caller caller, CreateApiKeyRequest request) {
        return keys.create(caller, request);
    }

    @DELETE
    @Path("/{id}")
    @Audited("apikey.revoke")
    public Success revoke(@Auth Caller caller, @PathParam("id") String id) {
        keys.revoke(caller, id);
        return Success.OK;
    }
}
