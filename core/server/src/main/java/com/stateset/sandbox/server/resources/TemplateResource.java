package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.server.api.TemplateView;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.Scopes;
import com.stateset.sandbox.server.core.Templates;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

@Path("/api/v1/templates")
@Produces(MediaType.APPLICATION_JSON)
public final class TemplateResource {

    private final TemplateView.Listing listing;

    public TemplateResource(Templates templates) {
        this.listing = new TemplateView.Listing(requireNonNull(templates, "templates is null").all().stream().map(TemplateView::of).toList());
    }

    @GET
    @RolesAllowed(Scopes.SANDBOX_READ)
    public TemplateView.Listing list(@Auth Caller caller) {
        return listing;
    }
}
