package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.CreateFromTemplateRequest;
import com.stateset.sandbox.api.CreateSandboxRequest;
import com.stateset.sandbox.api.ExecuteRequest;
import com.stateset.sandbox.api.ExtendRequest;
import com.stateset.sandbox.api.FileOperations;
import com.stateset.sandbox.api.FilesRequest;
import com.stateset.sandbox.api.FilesResponse;
import com.stateset.sandbox.api.ForkRequests;
import com.stateset.sandbox.api.SandboxView;
import com.stateset.sandbox.api.Success;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.Scopes;
import com.stateset.sandbox.server.core.CheckpointService;
import com.stateset.sandbox.server.core.CommandService;
import com.stateset.sandbox.server.core.FileService;
import com.stateset.sandbox.server.core.ForkService;
import com.stateset.sandbox.server.core.SandboxFiles;
import com.stateset.sandbox.server.core.SandboxService;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.http.Audited;
import com.stateset.sandbox.server.http.IdempotencyFilter;
import com.stateset.sandbox.server.http.IdempotentCall;
import com.stateset.sandbox.server.templates.Templates;
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
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
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
    private final SandboxFiles fileOperations;
    private final ForkService forks;
    private final Templates templates;
    private final ObjectMapper mapper;

    public SandboxResource(SandboxService sandboxes, CheckpointService checkpoints, CommandService commands, FileService files,
            SandboxFiles fileOperations, ForkService forks, Templates templates, ObjectMapper mapper) {
        this.sandboxes = requireNonNull(sandboxes, "sandboxes is null");
        this.checkpoints = requireNonNull(checkpoints, "checkpoints is null");
        this.commands = requireNonNull(commands, "commands is null");
        this.files = requireNonNull(files, "files is null");
        this.fileOperations = requireNonNull(fileOperations, "fileOperations is null");
        this.forks = requireNonNull(forks, "forks is null");
        this.templates = requireNonNull(templates, "templates is null");
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

    /** The same as {@code /sandbox/create}, where the async client posts. */
    @POST
    @Path("/sandbox")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("sandbox.create")
    public SandboxView createAlias(@Auth Caller caller, CreateSandboxRequest request) {
        return create(caller, request);
    }

    @POST
    @Path("/sandbox/create-from-template")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("sandbox.create")
    public SandboxView createFromTemplate(@Auth Caller caller, CreateFromTemplateRequest request) {
        if (request == null || request.templateId() == null) {
            throw DomainException.validation("template_id", "required", templates.all().stream().map(t -> t.name()).toList());
        }
        templates.resolve("template_id", request.templateId());
        return sandboxes.create(caller, request.toCreate());
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
    public Response execute(@Auth Caller caller, @PathParam("id") String id, ExecuteRequest request,
            @Context ContainerRequestContext context) {
        CommandService.Prepared prepared = commands.prepare(caller, id, request);
        if (Boolean.TRUE.equals(request.stream())) {
            IdempotentCall recording = IdempotencyFilter.pending(context);
            return Response.ok(new CommandEventStream(commands, prepared, mapper, recording).start(),
                            MediaType.SERVER_SENT_EVENTS_TYPE)
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
    @Path("/sandbox/{id}/extend")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("sandbox.extend")
    public SandboxView extend(@Auth Caller caller, @PathParam("id") String id, ExtendRequest request) {
        caller.requireOwnOrg(request == null ? null : request.orgId());
        return sandboxes.extend(caller, id, request == null ? null : request.additionalSeconds());
    }

    @POST
    @Path("/sandbox/{id}/fork")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("sandbox.fork")
    public ForkRequests.Forked fork(@Auth Caller caller, @PathParam("id") String id, ForkRequests.Fork request) {
        return forks.fork(caller, id, request);
    }

    @POST
    @Path("/sandbox/{id}/promote")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("sandbox.promote")
    public ForkRequests.Promoted promote(@Auth Caller caller, @PathParam("id") String id, ForkRequests.Promote request) {
        return forks.promote(caller, id, request);
    }

    @GET
    @Path("/sandbox/{id}/files/list")
    @RolesAllowed(Scopes.SANDBOX_READ)
    @Audited("file.list")
    public FileOperations.Listing listFiles(@Auth Caller caller, @PathParam("id") String id, @QueryParam("path") String path,
            @QueryParam("recursive") String recursive) {
        return fileOperations.list(caller, id, path, QueryParams.bool("recursive", recursive));
    }

    @POST
    @Path("/sandbox/{id}/files/glob")
    @RolesAllowed(Scopes.SANDBOX_READ)
    @Audited("file.glob")
    public FileOperations.Matches glob(@Auth Caller caller, @PathParam("id") String id, FileOperations.Glob request) {
        return fileOperations.glob(caller, id, request);
    }

    @POST
    @Path("/sandbox/{id}/files/mkdir")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("file.mkdir")
    public FileOperations.Done mkdir(@Auth Caller caller, @PathParam("id") String id, FileOperations.Mkdir request) {
        return fileOperations.mkdir(caller, id, request);
    }

    @POST
    @Path("/sandbox/{id}/files/move")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("file.move")
    public FileOperations.Transferred move(@Auth Caller caller, @PathParam("id") String id, FileOperations.Transfer request) {
        return fileOperations.move(caller, id, request);
    }

    @POST
    @Path("/sandbox/{id}/files/copy")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("file.copy")
    public FileOperations.Transferred copy(@Auth Caller caller, @PathParam("id") String id, FileOperations.Transfer request) {
        return fileOperations.copy(caller, id, request);
    }

    /** The path and flag come in a JSON body (as the client sends them) or as query parameters. */
    @DELETE
    @Path("/sandbox/{id}/files")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Audited("file.delete")
    public FileOperations.Done deleteFile(@Auth Caller caller, @PathParam("id") String id, @QueryParam("path") String path,
            @QueryParam("recursive") String recursive, FileOperations.Delete request) {
        FileOperations.Delete delete = request != null ? request : new FileOperations.Delete(path, QueryParams.bool("recursive", recursive), null);
        return fileOperations.delete(caller, id, delete);
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
        return sandboxes.list(caller, status, QueryParams.integer("limit", limit), QueryParams.integer("offset", offset));
    }
}
