package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.FilesResponse;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.auth.Scopes;
import com.stateset.sandbox.server.core.FileStreams;
import com.stateset.sandbox.server.http.Audited;
import com.stateset.sandbox.server.http.ErrorAnswer;
import com.stateset.sandbox.server.http.ErrorMapper;
import com.stateset.sandbox.spi.runtime.FileWatch;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;

/** Files as plain byte streams: a file's bytes in and out, a directory out as a tar. */
@Path("/api/v1")
public final class FileStreamResource {

    static final String TAR = "application/x-tar";

    private final FileStreams streams;
    private final ObjectMapper mapper;
    private final OpenStreams open;

    public FileStreamResource(FileStreams streams, ObjectMapper mapper, OpenStreams open) {
        this.streams = requireNonNull(streams, "streams is null");
        this.mapper = requireNonNull(mapper, "mapper is null");
        this.open = requireNonNull(open, "open is null");
    }

    /**
     * Changes in a directory as server-sent events: {@code created}, {@code modified},
     * {@code deleted} (each with {@code path} and {@code is_dir}), {@code overflow} when changes
     * were dropped (look again), and a last {@code error} when the watch ends by itself (the
     * directory deleted, the sandbox stopped).
     */
    @GET
    @Path("/sandbox/{id}/files/watch")
    @RolesAllowed(Scopes.SANDBOX_READ)
    @Produces({MediaType.SERVER_SENT_EVENTS, MediaType.APPLICATION_JSON})
    public Response watch(@Auth Caller caller, @PathParam("id") String id, @QueryParam("path") String path,
            @QueryParam("recursive") String recursive) {
        SseRelay relay = new SseRelay(mapper, open);
        String behind = "the client reads more slowly than the directory changes; watch again and look at the directory";
        FileWatch watch = streams.watch(caller, id, path == null ? "/workspace" : path, QueryParams.bool("recursive", recursive),
                change -> {
                    Map<String, Object> event = SseRelay.event(change.kind().name().toLowerCase(Locale.ROOT));
                    event.put("path", change.path());
                    event.put("is_dir", change.directory());
                    relay.send(null, event, behind);
                });
        watch.ended().whenComplete((done, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                ErrorAnswer error = ErrorMapper.translate(cause instanceof RuntimeException e ? e : new RuntimeException(cause));
                Map<String, Object> event = SseRelay.event("error");
                event.put("error", error.message());
                event.put("code", error.code());
                relay.send(null, event, behind);
            }
            relay.end();
        });
        return Response.ok(relay.start("file-watch-" + id, watch), MediaType.SERVER_SENT_EVENTS_TYPE)
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no")
                .build();
    }

    @GET
    @Path("/sandbox/{id}/files/raw")
    @RolesAllowed(Scopes.SANDBOX_READ)
    @Produces({MediaType.APPLICATION_OCTET_STREAM, MediaType.APPLICATION_JSON})
    public Response read(@Auth Caller caller, @PathParam("id") String id, @QueryParam("path") String path) {
        FileStreams.Download download = streams.read(caller, id, path);
        StreamingOutput body = out -> {
            try (InputStream in = download.content()) {
                in.transferTo(out);
            }
        };
        String name = download.path().substring(download.path().lastIndexOf('/') + 1);
        return Response.ok(body, MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header(HttpHeaders.CONTENT_LENGTH, download.size())
                .header("Content-Disposition", "attachment; filename*=UTF-8''" + java.net.URLEncoder.encode(name,
                        java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"))
                .build();
    }

    @GET
    @Path("/sandbox/{id}/files/archive")
    @RolesAllowed(Scopes.SANDBOX_READ)
    @Produces({TAR, MediaType.APPLICATION_JSON})
    public Response archive(@Auth Caller caller, @PathParam("id") String id, @QueryParam("path") String path) {
        InputStream tar = streams.archive(caller, id, path);
        StreamingOutput body = out -> {
            try (InputStream in = tar) {
                in.transferTo(out);
            }
        };
        return Response.ok(body, TAR).build();
    }

    @PUT
    @Path("/sandbox/{id}/files/raw")
    @RolesAllowed(Scopes.SANDBOX_WRITE)
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Audited("file.write")
    public FilesResponse.Written write(@Auth Caller caller, @PathParam("id") String id, @QueryParam("path") String path,
            @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long length, InputStream body) {
        return streams.write(caller, id, path, length == null ? -1 : length, body);
    }
}
