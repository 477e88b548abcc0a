package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.TemplateView;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.Scopes;
import com.stateset.sandbox.server.config.TemplateConfig;
import com.stateset.sandbox.server.templates.Templates;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

@Path("/api/v1/templates")
@Produces(MediaType.APPLICATION_JSON)
public final class TemplateResource {

    private final Templates templates;
    private final int defaultTimeoutSeconds;

    public TemplateResource(Templates templates, int defaultTimeoutSeconds) {
        this.templates = requireNonNull(templates, "templates is null");
        this.defaultTimeoutSeconds = defaultTimeoutSeconds;
    }

    @GET
    @RolesAllowed(Scopes.SANDBOX_READ)
    public TemplateView.Listing list(@Auth Caller caller, @QueryParam("category") String category,
            @QueryParam("search") String search) {
        return new TemplateView.Listing(templates.search(category, search).stream()
                .map(this::view).toList());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public TemplateView get(@Auth Caller caller, @PathParam("id") String id) {
        return view(templates.get(id));
    }

    /** A template as the clients read it, with the effective default lifetime: its own or the server's. */
    private TemplateView view(TemplateConfig t) {
        int timeout = t.timeoutSeconds() == null ? defaultTimeoutSeconds : t.timeoutSeconds();
        return new TemplateView(t.name(), t.name(), t.description(), t.category(), t.tags(),
                new TemplateView.Config(t.cpus(), t.memory(), timeout, t.env(), t.network()), t.image(), t.preinstalled(),
                t.cpus(), t.memory(), t.network());
    }
}
