package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.SubscriptionView;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.Scopes;
import com.stateset.sandbox.server.core.BillingService;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.errors.ErrorKind;
import com.stateset.sandbox.server.http.Audited;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The organization's plan. Plans are changed by the operator ({@code bin/sandbox set-plan}), not
 * over the API: the hosted service's checkout, billing portal and invoices answer 409
 * {@code NOT_AVAILABLE}, which no retry changes.
 */
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

    @POST
    @Path("/upgrade")
    @RolesAllowed(Scopes.ADMIN)
    @Audited("billing.upgrade")
    public Response upgrade(@Auth Caller caller) {
        throw notAvailable("plan upgrades");
    }

    @POST
    @Path("/portal")
    @RolesAllowed(Scopes.ADMIN)
    @Audited("billing.portal")
    public Response portal(@Auth Caller caller) {
        throw notAvailable("the billing portal");
    }

    @GET
    @Path("/invoices")
    @RolesAllowed(Scopes.ADMIN)
    public Response invoices(@Auth Caller caller) {
        throw notAvailable("invoices");
    }

    private static DomainException notAvailable(String what) {
        return new DomainException(ErrorKind.CONFLICT, ErrorCodes.NOT_AVAILABLE,
                what + " belong to the hosted service; on this self-hosted"
                + " installation the operator sets an organization's plan (bin/sandbox set-plan)");
    }
}
