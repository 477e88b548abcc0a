package com.stateset.sandbox.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.ErrorResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** HTTP to the server: credentials, timeouts, error answers as exceptions, retries where safe. */
final class Transport {

    private static final Duration RETRY_BASE = Duration.ofMillis(250);
    private static final Duration RETRY_CAP = Duration.ofSeconds(8);
    /** A server asking to wait longer than this is not retried: the error goes to the caller. */
    private static final Duration RETRY_AFTER_CAP = Duration.ofSeconds(30);

    final ObjectMapper json = new ObjectMapper()
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    final URI api;
    private final String authorization;
    private final HttpClient http;
    final Duration timeout;
    private final int maxRetries;
    private final boolean idempotencyKeys;

    Transport(URI api, String token, HttpClient http, Duration timeout, int maxRetries, boolean idempotencyKeys) {
        this.api = api;
        this.authorization = token == null ? null : token.startsWith("sk-") ? "ApiKey " + token : "Bearer " + token;
        this.http = http;
        this.timeout = timeout;
        this.maxRetries = maxRetries;
        this.idempotencyKeys = idempotencyKeys;
    }

    /** One call: its path below {@code /api/v1}, query, body (JSON, bytes or a file), headers and timeout. */
    static final class Call {
        final String method;
        final String path;
        final Map<String, Object> query = new LinkedHashMap<>();
        final Map<String, String> headers = new LinkedHashMap<>();
        Object json;
        byte[] bytes;
        Path file;
        Duration timeout;

        Call(String method, String path) {
            this.method = method;
            this.path = path;
        }

        Call query(String name, Object value) {
            if (value != null) {
                query.put(name, value);
            }
            return this;
        }

        Call json(Object body) {
            this.json = body;
            return this;
        }

        Call timeout(Duration wait) {
            this.timeout = wait;
            return this;
        }

        Call header(String name, String value) {
            headers.put(name, value);
            return this;
        }
    }

    <T> T json(Call call, Class<T> type) {
        return read(call, json.constructType(type));
    }

    <T> T json(Call call, TypeReference<T> type) {
        return read(call, json.constructType(type));
    }

    private <T> T read(Call call, JavaType type) {
        HttpResponse<byte[]> response = send(call, HttpResponse.BodyHandlers.ofByteArray());
        if (response.body().length == 0 || type.getRawClass() == Void.class) {
            return null;
        }
        try {
            return json.readValue(response.body(), type);
        } catch (IOException e) {
            throw new SandboxException(call.method + " " + call.path + ": an answer this client cannot read: " + e.getMessage(), e);
        }
    }

    /** A call whose body the caller reads (a stream or bytes); the timeout covers its start. */
    HttpResponse<InputStream> stream(Call call) {
        return send(call, HttpResponse.BodyHandlers.ofInputStream());
    }

    private <T> HttpResponse<T> send(Call call, HttpResponse.BodyHandler<T> handler) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(call))
                .timeout(call.timeout == null ? timeout : call.timeout)
                .header("Accept", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        call.headers.forEach(request::setHeader);
        request.method(call.method, body(call, request));
        // A key of its own makes a POST safe to retry: the server answers a repeat with the first answer.
        String key = idempotencyKeys && call.method.equals("POST") ? UUID.randomUUID().toString() : null;
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        boolean retrySafe = call.method.equals("GET") || key != null;
        HttpRequest built = request.build();
        for (int attempt = 0; ; attempt++) {
            HttpResponse<T> response;
            try {
                response = http.send(built, handler);
            } catch (HttpTimeoutException e) {
                throw new SandboxTimeoutException(call.method + " " + call.path + ": no answer within "
                        + built.timeout().orElse(timeout).toMillis() + " ms", e);
            } catch (IOException e) {
                if (retrySafe && attempt < maxRetries) {
                    pause(backoff(attempt));
                    continue;
                }
                throw new SandboxConnectionException(call.method + " " + call.path + ": "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage()), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SandboxException(call.method + " " + call.path + ": interrupted", e);
            }
            if (response.statusCode() < 400) {
                return response;
            }
            SandboxApiException error = error(call, response);
            boolean retryable = error.status() >= 500 && error.status() != 501
                    || error.status() == 429 && "RATE_LIMITED".equals(error.code())
                    || error.status() == 409 && "IDEMPOTENCY_KEY_IN_USE".equals(error.code());
            Duration delay = error.retryAfter().orElse(backoff(attempt));
            if (retryable && retrySafe && attempt < maxRetries && delay.compareTo(RETRY_AFTER_CAP) <= 0) {
                pause(delay);
                continue;
            }
            throw error;
        }
    }

    private HttpRequest.BodyPublisher body(Call call, HttpRequest.Builder request) {
        try {
            if (call.json != null) {
                request.header("Content-Type", "application/json");
                return HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(call.json));
            }
            if (call.bytes != null) {
                request.header("Content-Type", "application/octet-stream");
                return HttpRequest.BodyPublishers.ofByteArray(call.bytes);
            }
            if (call.file != null) {
                request.header("Content-Type", "application/octet-stream");
                return HttpRequest.BodyPublishers.ofFile(call.file);
            }
            return HttpRequest.BodyPublishers.noBody();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the request cannot be written as JSON: " + e.getMessage(), e);
        } catch (java.io.FileNotFoundException e) {
            throw new IllegalArgumentException("no such file: " + call.file, e);
        }
    }

    private SandboxApiException error(Call call, HttpResponse<?> response) {
        byte[] body = readAll(response.body());
        String requestId = response.headers().firstValue("X-Request-Id").orElse(null);
        Duration retryAfter = response.headers().firstValue("Retry-After").map(Transport::retryAfter).orElse(null);
        try {
            ErrorResponse.Error error = json.readValue(body, ErrorResponse.class).error();
            if (error != null && error.code() != null) {
                return SandboxApiException.of(response.statusCode(), error.code(), error.message(),
                        error.requestId() != null ? error.requestId() : requestId, error.details(), retryAfter);
            }
        } catch (IOException notTheErrorShape) {
            // a proxy's page, say: the status says enough
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return SandboxApiException.of(response.statusCode(), "HTTP_" + response.statusCode(),
                call.method + " " + call.path + " answered " + response.statusCode()
                        + (text.isEmpty() ? "" : ": " + text.substring(0, Math.min(200, text.length()))),
                requestId, Map.of(), retryAfter);
    }

    private static byte[] readAll(Object body) {
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        if (body instanceof InputStream in) {
            try (in) {
                return in.readNBytes(64 * 1024);
            } catch (IOException e) {
                return new byte[0];
            }
        }
        return new byte[0];
    }

    private URI url(Call call) {
        StringBuilder url = new StringBuilder(api.toString()).append(call.path);
        char separator = '?';
        for (Map.Entry<String, Object> parameter : call.query.entrySet()) {
            url.append(separator).append(encode(parameter.getKey())).append('=').append(encode(String.valueOf(parameter.getValue())));
            separator = '&';
        }
        return URI.create(url.toString());
    }

    /** A path segment, encoded; an empty or missing id is the caller's mistake. */
    static String segment(String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("an id must be a non-empty string, not " + (value == null ? "null" : "\"\""));
        }
        return encode(value);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Duration retryAfter(String header) {
        try {
            return Duration.ofSeconds(Long.parseLong(header.strip()));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(header, DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (RuntimeException notADate) {
                return null;
            }
        }
    }

    private static Duration backoff(int attempt) {
        long ceiling = Math.min(RETRY_CAP.toMillis(), RETRY_BASE.toMillis() << Math.min(attempt, 10));
        return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    }

    private static void pause(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while waiting to retry", e);
        }
    }

    /** A WebSocket to a path of this server (such as a terminal ticket's URL), on the client's HttpClient. */
    java.util.concurrent.CompletableFuture<java.net.http.WebSocket> webSocket(String path, java.net.http.WebSocket.Listener listener) {
        URI url = api.resolve(path);
        String scheme = url.getScheme().equals("https") ? "wss" : "ws";
        return http.newWebSocketBuilder().connectTimeout(timeout)
                .buildAsync(URI.create(scheme + url.toString().substring(url.getScheme().length())), listener);
    }

    /** The client's timeout, or {@code wait} if that is longer: for calls that wait on purpose. */
    Duration atLeast(Duration wait) {
        return wait.compareTo(timeout) > 0 ? wait : timeout;
    }
}
