package com.stateset.sandbox.server.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.ErrorResponse;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.errors.ErrorKind;
import com.stateset.sandbox.server.http.RequestSizeLimitFilter.PayloadTooLargeException;
import com.stateset.sandbox.spi.runtime.RuntimeMisconfiguredException;
import com.stateset.sandbox.spi.runtime.RuntimeUnavailableException;
import com.stateset.sandbox.spi.runtime.SandboxFileException;
import com.stateset.sandbox.spi.runtime.SandboxMissingException;
import com.stateset.sandbox.spi.runtime.SandboxNotRunningException;
import com.stateset.sandbox.spi.runtime.SandboxRecoveringException;
import com.stateset.sandbox.spi.runtime.SandboxRejectedException;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;
import com.stateset.sandbox.spi.runtime.FileWatchUnavailableException;
import com.stateset.sandbox.spi.runtime.TerminalUnavailableException;
import com.stateset.sandbox.spi.runtime.process.ProcessNotFoundException;
import com.stateset.sandbox.spi.runtime.process.ProcessRefusedException;
import com.stateset.sandbox.spi.runtime.process.ProcessesUnavailableException;
import com.stateset.sandbox.spi.storage.ObjectNotFoundException;
import com.stateset.sandbox.spi.storage.ObjectStoreException;
import com.stateset.sandbox.spi.storage.ObjectStoreMisconfiguredException;
import com.stateset.sandbox.spi.storage.ObjectStoreUnavailableException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every failure becomes the API's error shape. Bad input is a 4xx naming the field; only genuine
 * server faults are 500, logged here with the request id and never shown to the caller. The one
 * place where a {@link DomainException}'s kind becomes an HTTP status.
 */
public final class ErrorMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    @Override
    public Response toResponse(Throwable failure) {
        ErrorAnswer error = translate(failure);
        if (error.status() == 500) {
            LOG.error("request {} failed", RequestIds.current(), failure);
        } else if (error.status() > 500) {
            LOG.warn("request {}: {}", RequestIds.current(), error.message());
        }
        Response.ResponseBuilder response = Response.status(error.status())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorResponse.of(error.code(), error.message(), RequestIds.current(), error.details()));
        error.headers().forEach(response::header);
        return response.build();
    }

    /** What the API answers for a failure. */
    public static ErrorAnswer translate(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DomainException domain) {
                return answer(domain);
            }
            if (t instanceof PayloadTooLargeException tooLarge) {
                return answer(DomainException.tooLarge("request body", "larger than the limit of " + tooLarge.limit() + " bytes"));
            }
            // Streams between the runtime and the store wrap these in I/O errors.
            if (t instanceof SandboxRuntimeException runtime) {
                return answer(runtime(runtime));
            }
            if (t instanceof ObjectStoreException storage) {
                return answer(storage(storage));
            }
        }
        if (failure instanceof JsonProcessingException json) {
            return answer(json(json));
        }
        if (failure instanceof ConstraintViolationException violations) {
            ConstraintViolation<?> first = violations.getConstraintViolations().iterator().next();
            String field = lastNode(first.getPropertyPath().toString());
            return answer(DomainException.validation(field, first.getMessage()));
        }
        if (failure instanceof WebApplicationException web) {
            return web(web);
        }
        return answer(internal());
    }

    /** The status of each kind, and the headers that go with some. */
    static ErrorAnswer answer(DomainException e) {
        int status = switch (e.kind()) {
            case INVALID -> 400;
            case UNAUTHENTICATED -> 401;
            case QUOTA_EXCEEDED -> 402;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case TIMED_OUT -> 408;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case UNPROCESSABLE -> 422;
            case RATE_LIMITED -> 429;
            case INTERNAL -> 500;
            case UPSTREAM_FAILED -> 502;
            case UNAVAILABLE -> 503;
        };
        Map<String, String> headers = new LinkedHashMap<>();
        if (e.kind() == ErrorKind.UNAUTHENTICATED) {
            headers.put("WWW-Authenticate", "ApiKey");
        }
        if (e.details().get("retry_after") instanceof Number retryAfter) {
            headers.put("Retry-After", retryAfter.toString());
        }
        return new ErrorAnswer(status, e.code(), e.getMessage(), e.details(), headers);
    }

    private static DomainException internal() {
        return new DomainException(ErrorKind.INTERNAL, ErrorCodes.INTERNAL_ERROR,
                "internal error; quote request id " + RequestIds.current());
    }

    private static DomainException json(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            String field = path(unknown);
            return DomainException.validation(field, "unknown field");
        }
        if (e instanceof InvalidFormatException invalid) {
            return DomainException.validation(path(invalid), "expected " + typeName(invalid.getTargetType())
                    + ", got " + describe(invalid.getValue()));
        }
        if (e instanceof ValueInstantiationException instantiation && instantiation.getCause() instanceof DomainException api) {
            return api;
        }
        if (e instanceof MismatchedInputException mismatched) {
            String field = path(mismatched);
            return field.isEmpty()
                    ? new DomainException(ErrorKind.INVALID, ErrorCodes.VALIDATION_ERROR,
                            "request body: expected a JSON object")
                    : DomainException.validation(field, "expected " + typeName(mismatched.getTargetType()));
        }
        if (e instanceof JsonParseException parse) {
            return new DomainException(ErrorKind.INVALID, ErrorCodes.VALIDATION_ERROR,
                    "malformed JSON: " + parse.getOriginalMessage());
        }
        if (e instanceof JsonMappingException mapping && !path(mapping).isEmpty()) {
            return DomainException.validation(path(mapping), mapping.getOriginalMessage());
        }
        return new DomainException(ErrorKind.INVALID, ErrorCodes.VALIDATION_ERROR,
                "malformed request body: " + e.getOriginalMessage());
    }

    private static DomainException runtime(SandboxRuntimeException e) {
        if (e instanceof RuntimeUnavailableException) {
            return DomainException.runtimeUnavailable("the sandbox runtime is unavailable: " + e.getMessage());
        }
        if (e instanceof SandboxRecoveringException recovering) {
            long seconds = Math.max(1, recovering.retryAfter().toSeconds());
            return new DomainException(ErrorKind.UNAVAILABLE, ErrorCodes.SANDBOX_RECOVERING, e.getMessage(),
                    Map.of("retry_after", seconds));
        }
        if (e instanceof SandboxRejectedException rejected) {
            return DomainException.validation(rejected.field(), rejected.getMessage());
        }
        if (e instanceof ProcessNotFoundException) {
            return DomainException.notFound(ErrorCodes.PROCESS_NOT_FOUND, e.getMessage());
        }
        // Not 5xx: retrying cannot cure these.
        if (e instanceof SandboxMissingException || e instanceof SandboxNotRunningException || e instanceof TerminalUnavailableException
                || e instanceof ProcessesUnavailableException || e instanceof ProcessRefusedException || e instanceof FileWatchUnavailableException) {
            return DomainException.conflict(e.getMessage());
        }
        if (e instanceof RuntimeMisconfiguredException) {
            LOG.warn("the sandbox runtime is misconfigured: {}", e.getMessage());
            return new DomainException(ErrorKind.CONFLICT, ErrorCodes.RUNTIME_MISCONFIGURED, e.getMessage()
                    + " (the server's operator must fix this; retrying will not help)");
        }
        if (e instanceof SandboxFileException file) {
            return switch (file.reason()) {
                case NOT_FOUND -> DomainException.notFound(ErrorCodes.FILE_NOT_FOUND, file.getMessage());
                case PERMISSION_DENIED -> DomainException.forbidden(file.getMessage());
                // Well formed, but the sandbox holds another kind of file there.
                case NOT_A_REGULAR_FILE -> DomainException.conflict("path", file.getMessage());
                // Not a 5xx: retrying cannot make room; the caller must free some first.
                case NO_SPACE -> new DomainException(ErrorKind.CONFLICT, ErrorCodes.INSUFFICIENT_STORAGE,
                        "no space left in the sandbox: " + file.getMessage());
                case OTHER -> new DomainException(ErrorKind.INVALID, ErrorCodes.VALIDATION_ERROR, file.getMessage());
            };
        }
        return new DomainException(ErrorKind.UPSTREAM_FAILED, ErrorCodes.RUNTIME_ERROR, e.getMessage());
    }

    private static DomainException storage(ObjectStoreException e) {
        if (e instanceof ObjectStoreUnavailableException) {
            LOG.warn("object store unavailable: {}", e.getMessage());
            return new DomainException(ErrorKind.UNAVAILABLE, ErrorCodes.STORAGE_UNAVAILABLE,
                    "the object store is unavailable; retry later");
        }
        if (e instanceof ObjectStoreMisconfiguredException) {
            LOG.warn("object store misconfigured: {}", e.getMessage());
            return new DomainException(ErrorKind.CONFLICT, ErrorCodes.STORAGE_MISCONFIGURED,
                    "the object store refuses this server as it is configured"
                    + " (the server's operator must fix this; retrying will not help); quote request id " + RequestIds.current());
        }
        if (e instanceof ObjectNotFoundException) {
            return DomainException.notFound(ErrorCodes.OBJECT_NOT_FOUND, "the stored object is missing from the object store");
        }
        LOG.warn("object store failure: {}", e.getMessage());
        return new DomainException(ErrorKind.UPSTREAM_FAILED, ErrorCodes.STORAGE_ERROR,
                "the object store failed; quote request id " + RequestIds.current());
    }

    /** Jersey's own refusals: the protocol errors have no domain kind, only a status. */
    private static ErrorAnswer web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        return switch (status) {
            case 404 -> answer(DomainException.notFound(ErrorCodes.NOT_FOUND, "no such endpoint"));
            case 405 -> notAllowed(e.getResponse().getHeaderString(HttpHeaders.ALLOW));
            case 406 -> ErrorAnswer.of(406, ErrorCodes.NOT_ACCEPTABLE, "this endpoint answers application/json");
            case 415 -> ErrorAnswer.of(415, ErrorCodes.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json");
            case 401 -> answer(DomainException.unauthorized("missing or invalid credential"));
            case 403 -> answer(DomainException.forbidden("this credential may not do that"));
            default -> status >= 500 ? answer(internal()) : ErrorAnswer.of(status, ErrorCodes.VALIDATION_ERROR, "bad request: " + e.getMessage());
        };
    }

    /** RFC 9110 has a 405 name the methods the resource takes: Jersey's refusal lists them in Allow. */
    private static ErrorAnswer notAllowed(String allow) {
        String message = "method not allowed on this endpoint";
        if (allow == null || allow.isBlank()) {
            return ErrorAnswer.of(405, ErrorCodes.METHOD_NOT_ALLOWED, message);
        }
        return new ErrorAnswer(405, ErrorCodes.METHOD_NOT_ALLOWED, message + "; it takes " + allow,
                Map.of("allowed", List.of(allow.split("\\s*,\\s*"))), Map.of(HttpHeaders.ALLOW, allow));
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
