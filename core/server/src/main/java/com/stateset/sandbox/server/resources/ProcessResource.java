package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.ProcessRequests;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.Scopes;
import com.stateset.sandbox.server.core.ProcessService;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.http.Audited;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** Background processes of a sandbox ({@link ProcessService}); their output as server-sent events ({@link ProcessOutputStream}). */
@Path("/api/v1/sandbox/{id}/processes")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class ProcessResource {

    private final ProcessService processes;
    private final ObjectMapper mapper;
    private final OpenStreams streams;

    public ProcessResource(ProcessService processes, ObjectMapper mapper, OpenStreams streams) {
        this.processes = requireNonNull(processes, "processes is null");
        this.mapper = requireNonNull(mapper, "mapper is null");
        this.streams = requireNonNull(streams, "streams is null");
    }

    @POST
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("process.start")
    public Response start(@Auth Caller caller, @PathParam("id") String id, ProcessRequests.Start request) {
        return Response.status(Response.Status.CREATED).entity(processes.start(caller, id, request)).build();
    }

    @GET
    @RolesAllowed(Scopes.SANDBOX_READ)
    public ProcessRequests.ListView list(@Auth Caller caller, @PathParam("id") String id) {
        return processes.list(caller, id);
    }

    @GET
    @Path("/{process}")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public ProcessRequests.View get(@Auth Caller caller, @PathParam("id") String id, @PathParam("process") String process) {
        return processes.get(caller, id, process);
    }

    @POST
    @Path("/{process}/input")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("process.input")
    public Response input(@Auth Caller caller, @PathParam("id") String id, @PathParam("process") String process,
            ProcessRequests.Input request) {
        processes.input(caller, id, process, request);
        return Response.noContent().build();
    }

    @POST
    @Path("/{process}/signal")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("process.signal")
    public Response signal(@Auth Caller caller, @PathParam("id") String id, @PathParam("process") String process,
            ProcessRequests.Signal request) {
        processes.signal(caller, id, process, request);
        return Response.noContent().build();
    }

    @POST
    @Path("/{process}/resize")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    public Response resize(@Auth Caller caller, @PathParam("id") String id, @PathParam("process") String process,
            ProcessRequests.Resize request) {
        processes.resize(caller, id, process, request);
        return Response.noContent().build();
    }

    @POST
    @Path("/{process}/wait")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public ProcessRequests.View await(@Auth Caller caller, @PathParam("id") String id, @PathParam("process") String process,
            @QueryParam("timeout") String timeout) {
        return processes.await(caller, id, process, QueryParams.integer("timeout", timeout));
    }

    @DELETE
    @Path("/{process}")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("process.remove")
    public Response remove(@Auth Caller caller, @PathParam("id") String id, @PathParam("process") String process) {
        processes.remove(caller, id, process);
        return Response.noContent().build();
    }

    /**
     * The process's output from {@code offset} (or {@code Last-Event-ID}: each event's id is the
     * offset after it), then as it comes, then its exit.
     */
    @GET
    @Path("/{process}/output")
    @RolesAllowed(Scopes.SANDBOX_READ)
    @Produces({MediaType.SERVER_SENT_EVENTS, MediaType.APPLICATION_JSON})
    public Response output(@Auth Caller caller, @PathParam("id") String id, @PathParam("process") String process,
            @QueryParam("offset") String offset, @HeaderParam("Last-Event-ID") String lastEventId,
            @QueryParam("encoding") String encoding) {
        long from = offset(lastEventId != null && !lastEventId.isBlank() ? "Last-Event-ID" : "offset",
                lastEventId != null && !lastEventId.isBlank() ? lastEventId : offset);
        boolean base64 = switch (encoding == null ? "text" : encoding) {
            case "text" -> false;
            case "base64" -> true;
            default -> throw DomainException.validation("encoding", "must be text or base64", List.of("text", "base64"));
        };
        ProcessService.Target target = processes.target(caller, id, process);
        ProcessRequests.View view = processes.describe(target);
        if (from > view.outputEnd()) {
            throw DomainException.validation(lastEventId != null && !lastEventId.isBlank() ? "Last-Event-ID" : "offset",
                    "past the output's end: " + view.outputEnd() + " bytes have been written");
        }
        ProcessOutputStream stream = new ProcessOutputStream(processes, target, from, base64, new SseRelay(mapper, streams));
        return Response.ok(stream.start(), MediaType.SERVER_SENT_EVENTS_TYPE)
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no")
                .build();
    }

    private static long offset(String field, String value) {
        if (value == null) {
            return 0;
        }
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw DomainException.validation(field, "must be a byte offset: a whole number from 0");
        }
        return Long.parseLong(value);
    }
}
