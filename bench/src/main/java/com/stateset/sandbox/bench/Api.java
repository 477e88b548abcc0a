package com.stateset.sandbox.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The server's HTTP API, as a client on loopback uses it, with one organization's key. */
final class Api {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ServerProcess server;
    final String key;
    private final Set<String> live = ConcurrentHashMap.newKeySet();

    private Api(ServerProcess server, String key) {
        this.server = server;
        this.key = key;
    }

    static Api register(ServerProcess server, String organization) throws IOException, InterruptedException {
        Api anonymous = new Api(server, null);
        JsonNode answer = anonymous.call("POST", "/api/v1/register",
                Map.of("email", organization.toLowerCase(java.util.Locale.ROOT).replace(' ', '-') + "@bench.example.com",
                        "organization_name", organization));
        return new Api(server, answer.at("/api_key/key").asText());
    }

    /** A python-basic sandbox of the template's own shape, living an hour; its id once running. */
    String create() throws IOException, InterruptedException {
        String id = call("POST", "/api/v1/sandbox/create", Map.of("template", "python-basic", "timeout_seconds", 3600))
                .get("id").asText();
        live.add(id);
        return id;
    }

    String exec(String sandbox, String command) throws IOException, InterruptedException {
        JsonNode answer = call("POST", "/api/v1/sandbox/" + sandbox + "/execute", Map.of("command", command));
        if (answer.get("exit_code").asInt() != 0) {
            throw new IOException("command failed: " + answer);
        }
        return answer.get("stdout").asText();
    }

    /** Nanoseconds from sending a streamed command to receiving its first output event; the rest is read to the end. */
    long streamFirstOutputNanos(String sandbox, String command) throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<InputStream> response = http.send(request("POST", "/api/v1/sandbox/" + sandbox + "/execute",
                Map.of("command", command, "stream", true)), HttpResponse.BodyHandlers.ofInputStream());
        long first = -1;
        try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = events.readLine()) != null; ) {
                if (first < 0 && line.startsWith("data:") && line.contains("\"stdout\"")) {
                    first = System.nanoTime() - start;
                }
            }
        }
        if (response.statusCode() != 200 || first < 0) {
            throw new IOException("the stream answered " + response.statusCode() + " without output");
        }
        return first;
    }

    /** As {@link RawEngine#outputLatencies}, through a streamed command of the server's. */
    void outputLatencies(String sandbox, String command, Samples into) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(request("POST", "/api/v1/sandbox/" + sandbox + "/execute",
                Map.of("command", command, "stream", true)), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = events.readLine()) != null; ) {
                if (line.startsWith("data:") && line.contains("\"stdout\"")) {
                    long arrived = Timer.epochNanos();
                    for (String printed : JSON.readTree(line.substring(5)).get("data").asText().split("\n")) {
                        if (!printed.isBlank()) {
                            into.addNanos(arrived - Long.parseLong(printed.strip()));
                        }
                    }
                }
            }
        }
        if (response.statusCode() != 200) {
            throw new IOException("the stream answered " + response.statusCode());
        }
    }

    /** Streams {@code size} bytes into a file through the raw endpoint, never holding them. */
    void putRaw(String sandbox, String path, long size) throws IOException, InterruptedException {
        putRaw(sandbox, path, HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> new Zeros(size)),
                size));
    }

    /** The raw endpoint's PUT of bytes held here (the 10 MB comparison). */
    void putRaw(String sandbox, String path, byte[] content) throws IOException, InterruptedException {
        putRaw(sandbox, path, HttpRequest.BodyPublishers.ofByteArray(content));
    }

    private void putRaw(String sandbox, String path, HttpRequest.BodyPublisher body) throws IOException, InterruptedException {
        HttpRequest put = HttpRequest.newBuilder(URI.create(server.url("/api/v1/sandbox/" + sandbox + "/files/raw?path="
                        + URLEncoder.encode(path, StandardCharsets.UTF_8))))
                .header("X-API-Key", key).header("Content-Type", "application/octet-stream").PUT(body).build();
        HttpResponse<String> response = http.send(put, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("PUT raw answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** Reads a file through the raw endpoint, discarding it; its size. */
    long getRaw(String sandbox, String path) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(request("GET", "/api/v1/sandbox/" + sandbox + "/files/raw?path="
                + URLEncoder.encode(path, StandardCharsets.UTF_8), null), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("GET raw answered " + response.statusCode());
            }
            return body.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }

    /** {@code size} zero bytes, made as they are read. */
    private static final class Zeros extends InputStream {
        private long left;

        Zeros(long size) {
            left = size;
        }

        @Override
        public int read() {
            if (left <= 0) {
                return -1;
            }
            left--;
            return 0;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(length, left);
            java.util.Arrays.fill(buffer, offset, offset + n, (byte) 0);
            left -= n;
            return n;
        }
    }

    void writeFile(String sandbox, String path, byte[] content) throws IOException, InterruptedException {
        call("POST", "/api/v1/sandbox/" + sandbox + "/files",
                Map.of("files", List.of(Map.of("path", path, "content", Base64.getEncoder().encodeToString(content)))));
    }

    byte[] readFile(String sandbox, String path) throws IOException, InterruptedException {
        return Base64.getDecoder().decode(call("GET", "/api/v1/sandbox/" + sandbox + "/files?path="
                + URLEncoder.encode(path, StandardCharsets.UTF_8), null).get("content").asText());
    }

    void stop(String sandbox) throws IOException, InterruptedException {
        call("POST", "/api/v1/sandbox/" + sandbox + "/stop", Map.of());
        live.remove(sandbox);
    }

    /** Stops every sandbox this client created and has not stopped: a stopped server leaves them running. */
    void stopAll() throws IOException, InterruptedException {
        for (String sandbox : List.copyOf(live)) {
            stop(sandbox);
        }
    }

    String statusUrl(String sandbox) {
        return server.url("/api/v1/sandbox/" + sandbox + "/status");
    }

    private JsonNode call(String method, String path, Object body) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request(method, path, body), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException(method + " " + path + " answered " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        return JSON.readTree(response.body());
    }

    private HttpRequest request(String method, String path, Object body) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(server.url(path)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .header("Content-Type", "application/json");
        if (key != null) {
            builder.header("X-API-Key", key);
        }
        return builder.build();
    }
}
