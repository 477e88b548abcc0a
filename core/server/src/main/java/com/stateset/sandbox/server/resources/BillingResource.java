package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.server.api.SubscriptionView;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.Scopes;
import com.stateset.sandbox.server.core.BillingService;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The organization's plan. Plans are changed by the operator ({@code bin/sandbox set-plan}), not over the API. */
@Path("/api/v1/billing")
@Produces(MediaType.APPLICATION_JSON)
public final class BillingResource {

    private final BillingService billing;

    public BillingResource(BillingService billing) {
        this.billing = requireNonNull(billing, "billing is null");
    }

    @GET
    @Path("/subscription")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public SubscriptionView subscription(@Auth Caller caller) {
        return billing.subscription(caller);
    }
}
