package com.stateset.sandbox.server.http;

import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.errors.ErrorKind;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.PushbackInputStream;

/**
 * A JSON body of whitespace alone holds no JSON value, and is refused as malformed like any other
 * (Jackson's provider would take it for no body at all). An empty body still means none.
 */
@PreMatching
public final class BlankJsonBodyFilter implements ContainerRequestFilter {

    private static final int LOOK_AHEAD = 8192;

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        if (!request.hasEntity() || !MediaType.APPLICATION_JSON_TYPE.isCompatible(request.getMediaType())) {
            return;
        }
        PushbackInputStream body = new PushbackInputStream(request.getEntityStream(), LOOK_AHEAD);
        byte[] blank = new byte[LOOK_AHEAD];
        int length = 0;
        int next = body.read();
        while (next == ' ' || next == '\t' || next == '\n' || next == '\r') {
            blank[length++] = (byte) next;
            next = length < LOOK_AHEAD ? body.read() : -2;
        }
        if (next == -1 && length > 0) {
            throw new DomainException(ErrorKind.INVALID, ErrorCodes.VALIDATION_ERROR, "malformed JSON: whitespace and no value");
        }
        if (next >= 0) {
            body.unread(next);
        }
        body.unread(blank, 0, length);
        request.setEntityStream(body);
    }
}
