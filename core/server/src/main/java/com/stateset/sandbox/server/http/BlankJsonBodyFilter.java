package com.stateset.sandbox.server.http;

import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.errors.ErrorKind;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

/**
 * A JSON body of whitespace alone holds no JSON value, and is refused as malformed like any other
 * (Jackson's provider would take it for no body at all). An empty body still means none. Leading
 * whitespace means nothing in JSON, so it is read past, not kept: no buffer per request.
 */
@PreMatching
public final class BlankJsonBodyFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        if (!request.hasEntity() || !MediaType.APPLICATION_JSON_TYPE.isCompatible(request.getMediaType())) {
            return;
        }
        InputStream body = request.getEntityStream();
        int next = body.read();
        boolean blank = false;
        while (next == ' ' || next == '\t' || next == '\n' || next == '\r') {
            blank = true;
            next = body.read();
        }
        if (next == -1) {
            if (blank) {
                throw new DomainException(ErrorKind.INVALID, ErrorCodes.VALIDATION_ERROR, "malformed JSON: whitespace and no value");
            }
            return;
        }
        request.setEntityStream(new SequenceInputStream(new ByteArrayInputStream(new byte[] {(byte) next}), body));
    }
}
