package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.ErrorResponse;
import com.stateset.sandbox.api.TerminalRequests;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.Scopes;
import com.stateset.sandbox.server.core.TerminalService;
import com.stateset.sandbox.server.http.Audited;
import com.stateset.sandbox.server.http.RequestIds;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

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

    /** The terminal's socket opens by a WebSocket upgrade (answered before the API); a plain request is told so. */
    @GET
    @Path("/sandbox/{id}/terminal/connect")
    public Response connectWithoutUpgrade() {
        return Response.status(426).type(MediaType.APPLICATION_JSON_TYPE)
                .header("Upgrade", "websocket").header("Connection", "Upgrade")
                .entity(ErrorResponse.of(ErrorCodes.UPGRADE_REQUIRED, "open this URL as a WebSocket",
                        RequestIds.current(), Map.of()))
                .build();
    }
}
