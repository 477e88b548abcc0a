package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.server.api.CreateSandboxRequest;
import com.stateset.sandbox.server.api.ExecuteRequest;
import com.stateset.sandbox.server.api.FilesRequest;
import com.stateset.sandbox.server.api.FilesResponse;
import com.stateset.sandbox.server.api.SandboxView;
import com.stateset.sandbox.server.api.Success;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.Scopes;
import com.stateset.sandbox.server.core.CheckpointService;
import com.stateset.sandbox.server.core.CommandService;
import com.stateset.sandbox.server.core.FileService;
import com.stateset.sandbox.server.core.SandboxService;
import com.stateset.sandbox.server.errors.ApiException;
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
import jakarta.ws.rs.core.Response;

/** The Sandboxes table of the API. Thin: parse, authorize (scopes), call a service. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class SandboxResource {

    private final SandboxService sandboxes;
    private final CheckpointService checkpoints;
    private final CommandService commands;
    private final FileService files;
    private final ObjectMapper mapper;

    public SandboxResource(SandboxService sandboxes, CheckpointService checkpoints, CommandService commands, FileService files,
            ObjectMapper mapper) {
        this.sandboxes = requireNonNull(sandboxes, "sandboxes is null");
        this.checkpoints = requireNonNull(checkpoints, "checkpoints is null");
        this.commands = requireNonNull(commands, "commands is null");
        this.files = requireNonNull(files, "files is null");
        this.mapper = requireNonNull(mapper, "mapper is null");
    }

    @POST
    @Path("/sandbox/create")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("sandbox.create")
    public SandboxView create(@Auth Caller caller, CreateSandboxRequest request) {
        if (request != null && request.checkpointId() != null) {
            return checkpoints.fork(caller, request);
        }
        return sandboxes.create(caller, request == null ? CreateSandboxRequest.EMPTY : request);
    }

    @GET
    @Path("/sandbox/{id}")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public SandboxView get(@Auth Caller caller, @PathParam("id") String id) {
        return sandboxes.get(caller, id);
    }

    @GET
    @Path("/sandbox/{id}/status")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public SandboxView.Status status(@Auth Caller caller, @PathParam("id") String id) {
        return sandboxes.status(caller, id);
    }

    @POST
    @Path("/sandbox/{id}/execute")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Audited("command.execute")
    public Response execute(@Auth Caller caller, @PathParam("id") String id, ExecuteRequest request) {
        CommandService.Prepared prepared = commands.prepare(caller, id, request);
        if (Boolean.TRUE.equals(request.stream())) {
            return Response.ok(new CommandEventStream(commands, prepared, mapper).start(), MediaType.SERVER_SENT_EVENTS_TYPE)
                    .header("Cache-Control", "no-cache")
                    .header("X-Accel-Buffering", "no")
                    .build();
        }
        return Response.ok(commands.run(prepared), MediaType.APPLICATION_JSON_TYPE).build();
    }

    @POST
    @Path("/sandbox/{id}/files")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("file.write")
    public FilesResponse writeFiles(@Auth Caller caller, @PathParam("id") String id, FilesRequest request) {
        return files.write(caller, id, request);
    }

    @GET
    @Path("/sandbox/{id}/files")
    @RolesAllowed(Scopes.SANDBOX_READ)
    @Audited("file.read")
    public FilesResponse.Content readFile(@Auth Caller caller, @PathParam("id") String id, @QueryParam("path") String path) {
        return files.read(caller, id, path);
    }

    @POST
    @Path("/sandbox/{id}/stop")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("sandbox.stop")
    public Success stop(@Auth Caller caller, @PathParam("id") String id) {
        sandboxes.stop(caller, id);
        return Success.OK;
    }

    @DELETE
    @Path("/sandbox/{id}")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("sandbox.delete")
    public Success delete(@Auth Caller caller, @PathParam("id") String id) {
        sandboxes.delete(caller, id);
        return Success.OK;
    }

    @GET
    @Path("/sandboxes")
    @RolesAllowed(Scopes.SANDBOX_READ)
    public SandboxView.Listing list(@Auth Caller caller, @QueryParam("status") String status,
            @QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        return sandboxes.list(caller, status, integer("limit", limit), integer("offset", offset));
    }

    private static Integer integer(String field, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw ApiException.validation(field, "must be an integer");
        }
    }
}
