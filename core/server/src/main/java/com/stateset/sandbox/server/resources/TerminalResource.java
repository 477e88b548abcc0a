package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.TerminalRequests;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.Scopes;
import com.stateset.sandbox.server.core.TerminalService;
import com.stateset.sandbox.server.http.Audited;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Tickets for terminals; the terminal itself is a WebSocket ({@link com.stateset.sandbox.server.http.TerminalSockets}). */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class TerminalResource {

    private final TerminalService terminals;

    public TerminalResource(TerminalService terminals) {
        this.terminals = requireNonNull(terminals, "terminals is null");
    }

    @POST
    @Path("/sandbox/{id}/terminal")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("terminal.open")
    public TerminalRequests.Ticket open(@Auth Caller caller, @PathParam("id") String id, TerminalRequests.Open request) {
        return terminals.issue(caller, id, request);
    }
}
