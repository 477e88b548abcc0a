package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.ReplView;
import com.stateset.sandbox.api.Success;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.Scopes;
import com.stateset.sandbox.server.core.ReplService;
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
import java.util.Map;

/** REPL sessions: persistent interpreters in a sandbox whose state carries from one cell to the next. */
@Path("/api/v1/sandbox/{id}/repl/sessions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class ReplResource {

    private final ReplService repl;

    public ReplResource(ReplService repl) {
        this.repl = requireNonNull(repl, "repl is null");
    }

    @POST
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("repl.create")
    public ReplView.Session create(@Auth Caller caller, @PathParam("id") String id, ReplView.Create request) {
        return repl.create(caller, id, request);
    }

    @GET
    @RolesAllowed(Scopes.SANDBOX_READ)
    public ReplView.Sessions list(@Auth Caller caller, @PathParam("id") String id) {
        return repl.list(caller, id);
    }

    @GET
    @Path("/{session}")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public ReplView.Session get(@Auth Caller caller, @PathParam("id") String id, @PathParam("session") String session) {
        return repl.get(caller, id, session);
    }

    @POST
    @Path("/{session}/execute")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("repl.execute")
    public ReplView.Result execute(@Auth Caller caller, @PathParam("id") String id, @PathParam("session") String session,
            ReplView.Execute request) {
        return repl.execute(caller, id, session, request);
    }

    @POST
    @Path("/{session}/interrupt")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("repl.interrupt")
    public Map<String, Object> interrupt(@Auth Caller caller, @PathParam("id") String id, @PathParam("session") String session) {
        return repl.interrupt(caller, id, session);
    }

    @DELETE
    @Path("/{session}")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("repl.destroy")
    public Success destroy(@Auth Caller caller, @PathParam("id") String id, @PathParam("session") String session) {
        repl.destroy(caller, id, session);
        return Success.OK;
    }
}
