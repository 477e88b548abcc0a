package com.stateset.sandbox.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.ErrorResponse;
import com.stateset.sandbox.server.model.Ids;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before a request reaches the API (an ambiguous or overlong URI, a
 * malformed request line, headers too large), in the API's error shape instead of an HTML page.
 */
public final class JsonErrorHandler extends ErrorHandler {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Jetty writes error bodies for GET, POST and HEAD only; every refused method gets the error shape. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        String requestId = RequestIds.accept(request.getHeaders().get(RequestIds.HEADER));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(RequestIds.HEADER, requestId);
        response.write(true, ByteBuffer.wrap(body(code, message, requestId)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        // The request could not even be parsed, so it has no id to echo.
        String requestId = Ids.newId("req");
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        fields.put(RequestIds.HEADER, requestId);
        return ByteBuffer.wrap(body(status, reason, requestId));
    }

    static byte[] body(int status, String message, String requestId) {
        String code = switch (status) {
            case 400 -> ErrorCodes.VALIDATION_ERROR;
            case 401 -> ErrorCodes.UNAUTHORIZED;
            case 403 -> ErrorCodes.FORBIDDEN;
            case 404 -> ErrorCodes.NOT_FOUND;
            case 405 -> ErrorCodes.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCodes.PAYLOAD_TOO_LARGE;
            case 414 -> ErrorCodes.URI_TOO_LONG;
            case 431 -> ErrorCodes.HEADERS_TOO_LARGE;
            case 503 -> ErrorCodes.SERVICE_UNAVAILABLE; // stopping: another server, or this one restarted, will answer
            case 505 -> ErrorCodes.HTTP_VERSION_NOT_SUPPORTED;
            default -> status >= 500 ? ErrorCodes.INTERNAL_ERROR : ErrorCodes.BAD_REQUEST;
        };
        String text = message == null || message.isBlank() ? "request refused by the HTTP server" : message;
        try {
            return MAPPER.writeValueAsBytes(ErrorResponse.of(code, text, requestId, Map.of()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
