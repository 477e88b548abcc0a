package com.stateset.sandbox.server.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.stateset.sandbox.server.errors.ApiException;
import com.stateset.sandbox.server.errors.ErrorResponse;
import com.stateset.sandbox.server.http.RequestSizeLimitFilter.PayloadTooLargeException;
import com.stateset.sandbox.spi.runtime.RuntimeMisconfiguredException;
import com.stateset.sandbox.spi.runtime.RuntimeUnavailableException;
import com.stateset.sandbox.spi.runtime.SandboxFileException;
import com.stateset.sandbox.spi.runtime.SandboxMissingException;
import com.stateset.sandbox.spi.runtime.SandboxNotRunningException;
import com.stateset.sandbox.spi.runtime.SandboxRejectedException;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;
import com.stateset.sandbox.spi.storage.ObjectNotFoundException;
import com.stateset.sandbox.spi.storage.ObjectStoreException;
import com.stateset.sandbox.spi.storage.ObjectStoreMisconfiguredException;
import com.stateset.sandbox.spi.storage.ObjectStoreUnavailableException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every failure becomes the API's error shape. Bad input is a 4xx naming the field; only genuine
 * server faults are 500, logged here with the request id and never shown to the caller.
 */
public final class ErrorMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    @Override
    public Response toResponse(Throwable failure) {
        ApiException error = translate(failure);
        if (error.status() == 500) {
            LOG.error("request {} failed", RequestIds.current(), failure);
        } else if (error.status() > 500) {
            LOG.warn("request {}: {}", RequestIds.current(), error.getMessage());
        }
        Response.ResponseBuilder response = Response.status(error.status())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorResponse.of(error.code(), error.getMessage(), RequestIds.current(), error.details()));
        error.headers().forEach(response::header);
        return response.build();
    }

    public static ApiException translate(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api;
            }
            if (t instanceof PayloadTooLargeException tooLarge) {
                return ApiException.tooLarge("request body", "larger than the limit of " + tooLarge.limit() + " bytes");
            }
            // Streams between the runtime and the store wrap these in I/O errors.
            if (t instanceof SandboxRuntimeException runtime) {
                return runtime(runtime);
            }
            if (t instanceof ObjectStoreException storage) {
                return storage(storage);
            }
        }
        if (failure instanceof JsonProcessingException json) {
            return json(json);
        }
        if (failure instanceof ConstraintViolationException violations) {
            ConstraintViolation<?> first = violations.getConstraintViolations().iterator().next();
            String field = lastNode(first.getPropertyPath().toString());
            return ApiException.validation(field, first.getMessage());
        }
        if (failure instanceof WebApplicationException web) {
            return web(web);
        }
        return new ApiException(500, "INTERNAL_ERROR", "internal error; quote request id " + RequestIds.current());
    }

    private static ApiException json(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            String field = path(unknown);
            return ApiException.validation(field, "unknown field");
        }
        if (e instanceof InvalidFormatException invalid) {
            return ApiException.validation(path(invalid), "expected " + typeName(invalid.getTargetType())
                    + ", got " + describe(invalid.getValue()));
        }
        if (e instanceof ValueInstantiationException instantiation && instantiation.getCause() instanceof ApiException api) {
            return api;
        }
        if (e instanceof MismatchedInputException mismatched) {
            String field = path(mismatched);
            return field.isEmpty()
                    ? new ApiException(400, "VALIDATION_ERROR", "request body: expected a JSON object")
                    : ApiException.validation(field, "expected " + typeName(mismatched.getTargetType()));
        }
        if (e instanceof JsonParseException parse) {
            return new ApiException(400, "VALIDATION_ERROR", "malformed JSON: " + parse.getOriginalMessage());
        }
        if (e instanceof JsonMappingException mapping && !path(mapping).isEmpty()) {
            return ApiException.validation(path(mapping), mapping.getOriginalMessage());
        }
        return new ApiException(400, "VALIDATION_ERROR", "malformed request body: " + e.getOriginalMessage());
    }

    private static ApiException runtime(SandboxRuntimeException e) {
        if (e instanceof RuntimeUnavailableException) {
            return ApiException.runtimeUnavailable("the sandbox runtime is unavailable: " + e.getMessage());
        }
        if (e instanceof SandboxRejectedException rejected) {
            return ApiException.validation(rejected.field(), rejected.getMessage());
        }
        // Not 5xx: retrying cannot cure these.
        if (e instanceof SandboxMissingException || e instanceof SandboxNotRunningException) {
            return ApiException.conflict(e.getMessage());
        }
        if (e instanceof RuntimeMisconfiguredException) {
            LOG.warn("the sandbox runtime is misconfigured: {}", e.getMessage());
            return new ApiException(409, "RUNTIME_MISCONFIGURED", e.getMessage()
                    + " (the server's operator must fix this; retrying will not help)");
        }
        if (e instanceof SandboxFileException file) {
            return switch (file.reason()) {
                case NOT_FOUND -> ApiException.notFound("FILE_NOT_FOUND", file.getMessage());
                case PERMISSION_DENIED -> ApiException.forbidden(file.getMessage());
                case NOT_A_REGULAR_FILE -> ApiException.validation("path", file.getMessage());
                // Not a 5xx: retrying cannot make room; the caller must free some first.
                case NO_SPACE -> new ApiException(409, "INSUFFICIENT_STORAGE",
                        "no space left in the sandbox: " + file.getMessage());
                case OTHER -> new ApiException(400, "VALIDATION_ERROR", file.getMessage());
            };
        }
        return new ApiException(502, "RUNTIME_ERROR", e.getMessage());
    }

    private static ApiException storage(ObjectStoreException e) {
        if (e instanceof ObjectStoreUnavailableException) {
            LOG.warn("object store unavailable: {}", e.getMessage());
            return new ApiException(503, "STORAGE_UNAVAILABLE", "the object store is unavailable; retry later");
        }
        if (e instanceof ObjectStoreMisconfiguredException) {
            LOG.warn("object store misconfigured: {}", e.getMessage());
            return new ApiException(409, "STORAGE_MISCONFIGURED", "the object store refuses this server as it is configured"
                    + " (the server's operator must fix this; retrying will not help); quote request id " + RequestIds.current());
        }
        if (e instanceof ObjectNotFoundException) {
            return ApiException.notFound("OBJECT_NOT_FOUND", "the stored object is missing from the object store");
        }
        LOG.warn("object store failure: {}", e.getMessage());
        return new ApiException(502, "STORAGE_ERROR", "the object store failed; quote request id " + RequestIds.current());
    }

    private static ApiException web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        return switch (status) {
            case 404 -> ApiException.notFound("NOT_FOUND", "no such endpoint");
            case 405 -> new ApiException(405, "METHOD_NOT_ALLOWED", "method not allowed on this endpoint");
            case 406 -> new ApiException(406, "NOT_ACCEPTABLE", "this endpoint answers application/json");
            case 415 -> new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "send the body as application/json");
            case 401 -> ApiException.unauthorized("missing or invalid credential");
            case 403 -> ApiException.forbidden("this credential may not do that");
            default -> status >= 500
                    ? new ApiException(500, "INTERNAL_ERROR", "internal error; quote request id " + RequestIds.current())
                    : new ApiException(status, "VALIDATION_ERROR", "bad request: " + e.getMessage());
        };
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String lastNode(String propertyPath) {
        int dot = propertyPath.lastIndexOf('.');
        return dot < 0 ? propertyPath : propertyPath.substring(dot + 1);
    }

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "an object";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        return "an object";
    }

    private static String describe(Object value) {
        String text = String.valueOf(value);
        return text.length() > 40 ? "\"" + text.substring(0, 40) + "...\"" : "\"" + text + "\"";
    }
}
