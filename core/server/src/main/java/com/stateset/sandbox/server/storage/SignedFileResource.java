package com.stateset.sandbox.server.storage;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.spi.storage.ObjectInfo;
import com.stateset.sandbox.spi.storage.ObjectKeys;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * Serves the local store's presigned URLs without a credential: the signature must match the key
 * and expiry, and the expiry must not have passed (403 otherwise, whichever part is wrong). Objects
 * are sent as downloads that a browser will not render in this server's origin.
 */
@Path("/files")
public final class SignedFileResource {

    private final LocalObjectStore store;
    private final Clock clock;

    public SignedFileResource(LocalObjectStore store, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @GET
    @Path("/{key: .+}")
    public Response get(@PathParam("key") String key, @QueryParam("expires") String expires,
            @QueryParam("signature") String signature) {
        long expiresAt;
        try {
            expiresAt = Long.parseLong(expires == null ? "" : expires);
        } catch (NumberFormatException e) {
            throw DomainException.forbidden("this URL is not validly signed");
        }
        if (ObjectKeys.problem(key) != null || !store.signedBy(key, expiresAt, signature)) {
            throw DomainException.forbidden("this URL is not validly signed");
        }
        if (clock.instant().getEpochSecond() >= expiresAt) {
            throw DomainException.forbidden("this URL has expired");
        }
        ObjectInfo info = store.head(key)
                .orElseThrow(() -> DomainException.notFound(ErrorCodes.OBJECT_NOT_FOUND, "the object behind this URL no longer exists"));
        StreamingOutput body = out -> {
            try (InputStream in = store.get(key)) {
                in.transferTo(out);
            }
        };
        String name = key.substring(key.lastIndexOf('/') + 1);
        return Response.ok(body, info.contentType())
                .header("Content-Length", info.size())
                .header("Content-Disposition", "attachment; filename*=UTF-8''"
                        + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"))
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "sandbox; default-src 'none'")
                .header("Cache-Control", "private, no-store")
                .build();
    }
}
