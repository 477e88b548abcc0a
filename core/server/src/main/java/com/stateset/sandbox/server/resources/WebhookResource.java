package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.Success;
import com.stateset.sandbox.api.WebhookRequests;
import com.stateset.sandbox.api.WebhookView;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.Scopes;
import com.stateset.sandbox.server.events.WebhookService;
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

/** The Webhooks table of the API. Registering and removing webhooks takes {@code admin}. */
@Path("/api/v1/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class WebhookResource {

    private final WebhookService webhooks;

    public WebhookResource(WebhookService webhooks) {
        this.webhooks = requireNonNull(webhooks, "webhooks is null");
    }

    @GET
    @RolesAllowed(Scopes.SANDBOX_READ)
    public WebhookView.Listing list(@Auth Caller caller) {
        return webhooks.list(caller);
    }

    @POST
    @RolesAllowed(Scopes.ADMIN)
    @Audited("webhook.create")
    public WebhookView create(@Auth Caller caller, WebhookRequests.Create request) {
        return webhooks.create(caller, request);
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Scopes.ADMIN)
    @Audited("webhook.delete")
    public Success delete(@Auth Caller caller, @PathParam("id") String id) {
        webhooks.delete(caller, id);
        return Success.OK;
    }

    @POST
    @Path("/{id}/test")
    @RolesAllowed(Scopes.ADMIN)
    @Audited("webhook.test")
    public WebhookView.TestResult test(@Auth Caller caller, @PathParam("id") String id) {
        return webhooks.test(caller, id);
    }

    @GET
    @Path("/{id}/deliveries")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public WebhookView.Deliveries deliveries(@Auth Caller caller, @PathParam("id") String id,
            @QueryParam("limit") String limit) {
        return webhooks.deliveries(caller, id, QueryParams.integer("limit", limit));
    }
}
